import { Progress } from './progress';

function stream(isTTY: boolean) {
  const writes: string[] = [];
  return { writes, isTTY, write: (text: string) => writes.push(text) };
}

describe('Progress', () => {
  it('on a terminal rewrites one line and clears it at the end', () => {
    const s = stream(true);
    const progress = new Progress(s);
    progress.update('1/3 done');
    progress.update('2/3 done');
    progress.stop();
    expect(s.writes).toEqual(['\r\u001b[2K1/3 done', '\r\u001b[2K2/3 done', '\r\u001b[2K']);
  });

  it('elsewhere writes a plain line per change and never repeats one', () => {
    const s = stream(false);
    const progress = new Progress(s);
    progress.update('1/3 done');
    progress.update('1/3 done');
    progress.update('2/3 done');
    progress.stop();
    expect(s.writes).toEqual(['1/3 done\n', '2/3 done\n']);
  });

  it('clears nothing when it showed nothing', () => {
    const s = stream(true);
    new Progress(s).stop();
    expect(s.writes).toEqual([]);
  });
});
