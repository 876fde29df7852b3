import { displayUrl } from './display-url';

describe('displayUrl', () => {
  it('keeps the scheme, host, port and path', () => {
    expect(displayUrl('http://127.0.0.1:8081/')).toBe('http://127.0.0.1:8081/');
    expect(displayUrl('https://sink.example.com/events')).toBe('https://sink.example.com/events');
  });

  it('drops credentials and elides the query', () => {
    expect(displayUrl('https://user:secret@hooks.example.com/x?token=abc#f')).toBe(
      'https://hooks.example.com/x?…',
    );
  });

  it('leaves what is not a URL as it is', () => {
    expect(displayUrl('not a url')).toBe('not a url');
  });
});
