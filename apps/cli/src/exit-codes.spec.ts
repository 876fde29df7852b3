import { ExitCode, exitCodeOfStatus } from './exit-codes';

describe('exitCodeOfStatus', () => {
  it.each([
    [400, ExitCode.Usage],
    [401, ExitCode.Auth],
    [403, ExitCode.Auth],
    [404, ExitCode.NotFound],
    [409, ExitCode.Refused],
    [422, ExitCode.Refused],
    [413, ExitCode.Usage],
    [405, ExitCode.Usage],
    [500, ExitCode.Failed],
    [502, ExitCode.Unavailable],
    [503, ExitCode.Unavailable],
    [504, ExitCode.Unavailable],
  ])('%d exits %d', (status, code) => {
    expect(exitCodeOfStatus(status)).toBe(code);
  });

  it('has the documented numbers', () => {
    expect(ExitCode).toEqual({
      Ok: 0,
      Failed: 1,
      Usage: 2,
      Auth: 3,
      NotFound: 4,
      Refused: 5,
      Unavailable: 6,
    });
  });
});
