import { Controller, Get, SetMetadata, type Type } from '@nestjs/common';
import { ExecutionContextHost } from '@nestjs/core/helpers/execution-context-host';
import { routeMetadata } from './route-metadata';

const KEY = 'test:mark';
const Mark = (value: string) => SetMetadata(KEY, value);

@Controller()
@Mark('class')
class Marked {
  @Get('a')
  @Mark('handler')
  own(): string {
    return 'own';
  }

  @Get('b')
  inherited(): string {
    return 'inherited';
  }
}

@Controller()
class Unmarked {
  @Get('c')
  none(): string {
    return 'none';
  }
}

@Controller()
@Mark('subclass')
class Sub extends Marked {}

const contextOf = (controller: Type, handler: (...args: never[]) => unknown) =>
  new ExecutionContextHost([], controller, handler);

describe('routeMetadata', () => {
  const read = routeMetadata<string>(KEY);

  it("reads the handler's value, else its controller's, else undefined", () => {
    expect(read(contextOf(Marked, Marked.prototype.own))).toBe('handler');
    expect(read(contextOf(Marked, Marked.prototype.inherited))).toBe('class');
    expect(read(contextOf(Unmarked, Unmarked.prototype.none))).toBeUndefined();
  });

  it('keeps the value of one controller apart from another sharing the same handler', () => {
    expect(read(contextOf(Marked, Marked.prototype.inherited))).toBe('class');
    expect(read(contextOf(Sub, Sub.prototype.inherited))).toBe('subclass');
  });

  it('asks reflect-metadata once per handler, however many requests', () => {
    const fresh = routeMetadata<string>(KEY);
    const spy = jest.spyOn(Reflect, 'getMetadata');
    for (let i = 0; i < 5; i++) fresh(contextOf(Marked, Marked.prototype.own));
    const calls = spy.mock.calls.length;
    fresh(contextOf(Marked, Marked.prototype.own));
    expect(spy.mock.calls.length).toBe(calls);
    expect(calls).toBeGreaterThan(0);
    expect(calls).toBeLessThanOrEqual(2);
    spy.mockRestore();
  });
});
