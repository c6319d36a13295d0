/**
 * Issue 11.6: error messages never echo a huge client value whole (domain/text.ts clipEchoes,
 * applied by app.ts formatError to every client error).
 */
import { GraphQLError } from 'graphql';
import pino from 'pino';
import { makeFormatError } from '../../server/src/app';
import { NotFoundError, ValidationError } from '../../server/src/domain/errors';
import { clip, clipEchoes, findIllFormedText } from '../../server/src/domain/text';

const format = makeFormatError(pino({ level: 'silent' }));
const huge = 'x'.repeat(5 * 1024 * 1024);

describe('echoed values are clipped', () => {
  it('a 5 MB id quoted in a domain error becomes 80 characters with an ellipsis', () => {
    const n = new NotFoundError(`model '${huge}' does not exist`, 'id');
    const out = format(new GraphQLError(n.message, { originalError: n, path: ['exportModel'] }).toJSON(), n);
    expect(out.message).toBe(`model '${'x'.repeat(79)}…' does not exist`);
    expect(out.extensions).toMatchObject({ code: 'NOT_FOUND', field: 'id' });
  });

  it('issue messages and paths are clipped too, and a message is at most 1000 characters', () => {
    const v = new ValidationError([{ path: `document.${huge}`, message: `unknown "${huge}"` }]);
    const out = format(new GraphQLError(v.message, { originalError: v }).toJSON(), v);
    expect(out.message.length).toBeLessThanOrEqual(1000);
    const issues = out.extensions!['issues'] as { path: string; message: string }[];
    expect(issues[0]!.path.length).toBeLessThanOrEqual(200);
    expect(issues[0]!.message).toBe(`unknown "${'x'.repeat(79)}…"`);
  });

  it('short values are left alone; a surrogate pair is never split', () => {
    expect(clipEchoes("device 'd-1' does not exist")).toBe("device 'd-1' does not exist");
    const s = `${'a'.repeat(78)}🫀tail`;
    expect(clip(s)).toBe(`${'a'.repeat(78)}…`);
  });
});

describe('findIllFormedText', () => {
  it('finds a lone surrogate in values and keys, with its path', () => {
    expect(findIllFormedText({ a: ['ok', { b: 'x\ud800' }] })).toBe('a[1].b');
    expect(findIllFormedText({ ['k\udc00']: 1 })).toBe('<key>');
    expect(findIllFormedText({ a: 'emoji 🫀', b: [1, null, true] })).toBeNull();
  });
});
