/**
 * The resolver map: one module per GraphQL type (or group of small ones). Root fields are wrapped
 * with their access policy (resolvers/access.ts).
 */
import { JSONResolver } from 'graphql-scalars';
import {
  AnalysisMutation,
  AttackGraph,
  AttackStep,
  PlannedPlacement,
  RecommendedPlacement,
  ThreatModelAnalysis,
} from './analysis';
import { AttackMethod, Catalogue, Control } from './Catalogue';
import { Asset, ControlPlacement, Interface, ModelElement, Vulnerability, Zone } from './elements';
import { guardRoot } from './access';
import { Device, InventoryMutation, ThreatModelInventory } from './inventory';
import { ImportMutation, ImportQuery } from './imports';
import { validateFieldInputs, validateInputs } from './input-schemas';
import { AuthMutation, AuthQuery } from './auth';
import {
  HistoryMutation,
  HistoryQuery,
  ModelDiff,
  ModelElementKind,
  ModelSnapshot,
  PlacementDiff,
  ThreatModelHistory,
} from './history';
import { Mutation } from './Mutation';
import { Query } from './Query';
import { ThreatModel } from './ThreatModel';
import { runInAnalysisScope, scopeOfRequest } from '../services/analysis-scope';
import type { Context } from '../context';

type Resolver = (parent: unknown, args: unknown, ctx: Context, info: unknown) => unknown;

/**
 * Runs every resolver of `map` in the analysis scope of its request (services/analysis-scope.ts:
 * the caller's role caps, per-request counts and the abort signal of a client that goes away), so
 * that AnalysisService sees who asks wherever it is called from (analysis fields, devices, diffs,
 * snapshots).
 */
function inAnalysisScope<M extends object>(map: M): M {
  return Object.fromEntries(
    Object.entries(map).map(([name, fn]) => [
      name,
      typeof fn === 'function'
        ? (parent: unknown, args: unknown, ctx: Context, info: unknown) =>
            runInAnalysisScope(scopeOfRequest(ctx, ctx.principal, ctx.signal), () =>
              (fn as Resolver)(parent, args, ctx, info),
            )
        : fn,
    ]),
  ) as M;
}

export const resolvers = {
  JSON: JSONResolver,
  // access policy first, then the arguments (ids, text: input-schemas.ts FIELD_INPUTS), then the resolver, in the
  // request's analysis scope
  Query: inAnalysisScope(
    guardRoot('Query', validateFieldInputs('Query', { ...Query, ...AuthQuery, ...HistoryQuery, ...ImportQuery })),
  ),
  // access policy first, then the arguments' shape and bounds (input-schemas.ts), then the resolver
  Mutation: inAnalysisScope(
    guardRoot(
      'Mutation',
      validateInputs({
        ...Mutation,
        ...AnalysisMutation,
        ...AuthMutation,
        ...InventoryMutation,
        ...HistoryMutation,
        ...ImportMutation,
      }),
    ),
  ),
  // types whose fields run analyses: in the request's analysis scope, arguments checked first
  ThreatModel: inAnalysisScope(
    validateFieldInputs('ThreatModel', {
      ...ThreatModel,
      ...ThreatModelAnalysis,
      ...ThreatModelInventory,
      ...ThreatModelHistory,
    }),
  ),
  ModelSnapshot: inAnalysisScope(ModelSnapshot),
  ModelDiff: inAnalysisScope(ModelDiff),
  PlacementDiff,
  ModelElementKind,
  Device: inAnalysisScope(validateFieldInputs('Device', Device)),
  AttackGraph,
  AttackStep,
  RecommendedPlacement,
  PlannedPlacement,
  Catalogue,
  Control,
  AttackMethod,
  Vulnerability,
  ControlPlacement,
  ModelElement,
  Zone,
  Interface,
  Asset,
};
