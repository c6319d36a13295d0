/** The resolver map: one module per GraphQL type (or group of small ones). */
import { JSONResolver } from 'graphql-scalars';
import { AnalysisMutation, AttackStep, RecommendedPlacement, ThreatModelAnalysis } from './analysis';
import { AttackMethod, Catalogue, Control } from './Catalogue';
import { ControlPlacement, ModelElement, Vulnerability } from './elements';
import { Mutation } from './Mutation';
import { Query } from './Query';
import { ThreatModel } from './ThreatModel';

export const resolvers = {
  JSON: JSONResolver,
  Query,
  Mutation: { ...Mutation, ...AnalysisMutation },
  ThreatModel: { ...ThreatModel, ...ThreatModelAnalysis },
  AttackStep,
  RecommendedPlacement,
  Catalogue,
  Control,
  AttackMethod,
  Vulnerability,
  ControlPlacement,
  ModelElement,
};
