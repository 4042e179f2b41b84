import { Body, Controller, Get, Post } from '@nestjs/common';
import { type AuthenticatedUser, CurrentUser } from '@nestjs-microservices/nest-auth';
import { CreateNoteDto } from './create-note.dto';
import { type Note, NotesRepository } from './notes.repository';

/** The caller's own notes; the package's global guard has verified who the caller is. */
@Controller('notes')
export class NotesController {
  constructor(private readonly notes: NotesRepository) {}

  @Get()
  list(@CurrentUser() user: AuthenticatedUser): Note[] {
    return this.notes.listFor(user.userId);
  }

  @Post()
  add(@CurrentUser() user: AuthenticatedUser, @Body() dto: CreateNoteDto): Note {
    return this.notes.add(user.userId, dto.text);
  }
}
