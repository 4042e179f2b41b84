import { Body, Controller, Get, Header, Post } from '@nestjs/common';
import { type AuthenticatedUser, CurrentUser } from '@nestjs-microservices/nest-auth';
import { CreateNoteDto } from './create-note.dto';
import { type Note, NotesRepository } from './notes.repository';

/**
 * The caller's own notes; the package's global guard has verified who the caller is. Answers for one user are never
 * to be kept by a shared cache or by the browser's (`no-store`).
 */
@Controller('notes')
export class NotesController {
  constructor(private readonly notes: NotesRepository) {}

  @Get()
  @Header('Cache-Control', 'no-store')
  list(@CurrentUser() user: AuthenticatedUser): Note[] {
    return this.notes.listFor(user.userId);
  }

  @Post()
  @Header('Cache-Control', 'no-store')
  add(@CurrentUser() user: AuthenticatedUser, @Body() dto: CreateNoteDto): Note {
    return this.notes.add(user.userId, dto.text);
  }
}
