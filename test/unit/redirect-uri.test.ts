import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { parseRedirectUris, redirectUriProblem } from '../../src/applications/redirect-uri.ts';

describe('redirect URIs an application may register', () => {
  const cases: Array<[string, ReturnType<typeof redirectUriProblem>]> = [
    ['https://app.example/callback', undefined],
    ['http://localhost:5173/callback', undefined],
    ['http://127.0.0.1:8080/cb', undefined],
    ['com.example.app:/oauth2redirect', undefined],
    ['http://app.example/callback', 'insecure'],
    ['javascript:alert(1)', 'insecure'],
    ['data:text/html,x', 'insecure'],
    ['https://app.example/callback#x', 'fragment'],
    ['https://user:pass@app.example/cb', 'credentials'],
    ['/callback', 'not_absolute'],
    [`https://app.example/${'a'.repeat(2100)}`, 'too_long'],
  ];
  for (const [uri, problem] of cases) {
    test(`${uri.slice(0, 60)} → ${problem ?? 'accepted'}`, () => assert.equal(redirectUriProblem(uri), problem));
  }

  test('one per line, blanks and duplicates dropped', () => {
    assert.deepEqual(parseRedirectUris(' https://a.example/cb \r\n\nhttps://a.example/cb\nhttps://b.example/cb'), ['https://a.example/cb', 'https://b.example/cb']);
  });
});
