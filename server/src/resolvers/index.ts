/**
 * The resolver map: one module per GraphQL type (or group of small ones). Root fields are wrapped
 * with their access policy (resolvers/access.ts).
 */
import { JSONResolver } from 'graphql-scalars';
import { AnalysisMutation, AttackStep, RecommendedPlacement, ThreatModelAnalysis } from './analysis';
import { AttackMethod, Catalogue, Control } from './Catalogue';
import { Asset, ControlPlacement, Interface, ModelElement, Vulnerability, Zone } from './elements';
import { guardRoot } from './access';
import { Device, InventoryMutation, ThreatModelInventory } from './inventory';
import { validateInputs } from './input-schemas';
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

export const resolvers = {
  JSON: JSONResolver,
  Query: guardRoot('Query', { ...Query, ...AuthQuery, ...HistoryQuery }),
  // access policy first, then the arguments' shape and bounds (input-schemas.ts), then the resolver
  Mutation: guardRoot(
    'Mutation',
    validateInputs({ ...Mutation, ...AnalysisMutation, ...AuthMutation, ...InventoryMutation, ...HistoryMutation }),
  ),
  ThreatModel: { ...ThreatModel, ...ThreatModelAnalysis, ...ThreatModelInventory, ...ThreatModelHistory },
  ModelSnapshot,
  ModelDiff,
  PlacementDiff,
  ModelElementKind,
  Device,
  AttackStep,
  RecommendedPlacement,
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
