/** Catalogue fields: the domain Catalogue maps almost one to one; derived links are computed here. */
import type { AttackMethod as Method, Catalogue as Cat, Control as Ctl } from '../domain/types';
import type { Context } from '../context';

export const Catalogue = {
  version: (c: Cat) => c.catalogueVersion,
};

export const Control = {
  technologies: (c: Ctl) => c.technologies ?? [],
  interfaceKinds: (c: Ctl) => c.interfaceKinds ?? [],
  deviceConditions: (c: Ctl) => c.deviceConditions ?? [],
};

export const AttackMethod = {
  mitigatedBy: async (m: Method, _: unknown, ctx: Context) =>
    (await ctx.services.catalogues.current()).controls.filter((c) => c.mitigates.includes(m.id)).map((c) => c.id),
};
