/** Catalogue fields: the domain Catalogue maps almost one to one; derived links are computed here. */
import {
  mitigatedMethodIds,
  type AttackMethod as Method,
  type Catalogue as Cat,
  type Control as Ctl,
} from '../domain/types';
import type { Context } from '../context';

export const Catalogue = {
  version: (c: Cat) => c.catalogueVersion,
  /** The catalogue document itself (seeds/catalogue.schema.json), for `medthreat analyse --catalogue`. */
  document: (c: Cat) => c,
};

export const Control = {
  technologies: (c: Ctl) => c.technologies ?? [],
  interfaceKinds: (c: Ctl) => c.interfaceKinds ?? [],
  deviceConditions: (c: Ctl) => c.deviceConditions ?? [],
  elementConditions: (c: Ctl) => c.elementConditions ?? [],
  mitigates: (c: Ctl) => mitigatedMethodIds(c),
};

export const AttackMethod = {
  mitigatedBy: async (m: Method, _: unknown, ctx: Context) =>
    (await ctx.services.catalogues.current()).controls
      .filter((c) => mitigatedMethodIds(c).includes(m.id))
      .map((c) => c.id),
};
