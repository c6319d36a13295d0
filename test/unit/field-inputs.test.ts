/**
 * FIELD_INPUTS (resolvers/input-schemas.ts) names real fields and real arguments: a typo there
 * would silently leave an argument unchecked.
 */
import { buildSchema, isObjectType, isInputObjectType, getNamedType } from 'graphql';
import type { z } from 'zod';
import { FIELD_INPUTS } from '../../server/src/resolvers/input-schemas';
import { loadTypeDefs } from '../../server/src/schema';

const schema = buildSchema(loadTypeDefs());

describe('FIELD_INPUTS', () => {
  it.each(Object.keys(FIELD_INPUTS))('%s names a field and its arguments', (key) => {
    const [typeName, fieldName] = key.split('.') as [string, string];
    const type = schema.getType(typeName);
    expect(isObjectType(type)).toBe(true);
    const field = isObjectType(type) ? type.getFields()[fieldName] : undefined;
    expect(field).toBeDefined();
    const shape = (FIELD_INPUTS[key] as z.ZodObject<z.ZodRawShape>).shape;
    const argNames = field!.args.map((a) => a.name);
    for (const name of Object.keys(shape)) expect(argNames).toContain(name);
    // an input-object argument's checked fields exist too (devices' filter)
    for (const arg of field!.args) {
      const inner = getNamedType(arg.type);
      const sub = shape[arg.name] as { unwrap?: () => unknown } | undefined;
      if (!sub || !isInputObjectType(inner)) continue;
      let s: unknown = sub;
      while (s && typeof (s as { unwrap?: unknown }).unwrap === 'function')
        s = (s as { unwrap: () => unknown }).unwrap();
      const subShape = (s as { shape?: Record<string, unknown> }).shape;
      if (subShape) for (const f of Object.keys(subShape)) expect(Object.keys(inner.getFields())).toContain(f);
    }
  });
});
