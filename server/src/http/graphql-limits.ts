/**
 * Limits on the shape and cost of GraphQL operations, checked before anything executes:
 *
 * - max depth, max aliases, max directives and hidden field suggestions: GraphQL Armor
 *   (`@escape.tech/graphql-armor`) as Apollo validation rules and plugin;
 * - max tokens: graphql-js's own parser limit (Apollo `parseOptions.maxTokens`), a syntax error
 *   (GRAPHQL_PARSE_FAILED) before the document is even built. Armor's max-tokens plugin is not
 *   used: under Apollo 5 it surfaces as an unexpected error rather than a 400;
 * - cost: `graphql-query-complexity` with this schema's own field costs ({@link FIELD_COSTS}).
 *   Armor's cost limit is off because it cannot weigh one field more than another, and here a
 *   single `recommendControls` (an exact MILP solve) costs more than the rest of a query together.
 *
 * Every refusal is a client error with `extensions.code` GRAPHQL_VALIDATION_FAILED (or
 * GRAPHQL_PARSE_FAILED for the token limit) and HTTP 400; the message names the limit.
 */
import { HeaderMap, type ApolloServerPlugin, type BaseContext } from '@apollo/server';
import { ApolloArmor } from '@escape.tech/graphql-armor';
import type { GraphQLArmorRejectCallback } from '@escape.tech/graphql-armor-types';
import {
  BREAK,
  GraphQLError,
  isListType,
  visit,
  getNullableType,
  type DocumentNode,
  type GraphQLSchema,
  type ParseOptions,
  type ValidationRule,
} from 'graphql';
import { getComplexity, type ComplexityEstimator } from 'graphql-query-complexity';
import type { GraphqlHardening } from '../config';

/**
 * Cost of one field, on top of what is selected inside it, as `Type.field`. Every other field
 * costs 1. The analysis fields compute on the whole model (attack graph, Yen's k shortest paths,
 * an exact MILP), so with the default limit of 1000 a request may carry two or three of them.
 * A new expensive field belongs here (test/unit/graphql-limits.test.ts checks every entry exists).
 */
export const FIELD_COSTS: Readonly<Record<string, number>> = Object.freeze({
  'ThreatModel.recommendControls': 400,
  'ThreatModel.whatIf': 400,
  'ThreatModel.attackPaths': 300,
  'ThreatModel.attackGraph': 300,
  'ThreatModel.baselineGaps': 150,
  'Query.exportModel': 50,
  'Mutation.importModel': 100,
  'Mutation.loadCatalogue': 100,
  // history (schema/history.graphql): a document rebuilt or read per revision, an attack graph per side
  'Query.modelDiff': 100,
  'ModelDiff.risk': 300,
  'ModelSnapshot.document': 50,
  'Mutation.createSnapshot': 150,
  // inventory integration (schema/integration.graphql): the first device asks for the model's
  // whole path set or recommendation (cached per version, so a page of devices pays it once)
  'Device.attackPaths': 300,
  'Device.recommendedControls': 400,
  'Mutation.upsertDevices': 100,
});

/**
 * Unpaginated lists whose length the cost cannot know: what is selected inside them counts this
 * many times. `models` returns every model, so `models { recommendControls }` would solve one
 * MILP per model; estimated at 20 it costs 20 × 400 and is refused, while a plain model list
 * (`models { id name counts { devices } }`) stays cheap. Paginated lists (`first`, ≤ 1000 cheap
 * in-memory elements) count once.
 */
export const LIST_SIZE_ESTIMATES: Readonly<Record<string, number>> = Object.freeze({
  'Query.models': 20,
  // `snapshots { document }` reads every stored document: select the document on one snapshot
  'ThreatModel.snapshots': 10,
});

/** The estimator: field cost ({@link FIELD_COSTS} or 1) + children × list estimate (or 1). */
const estimator: ComplexityEstimator = ({ type, field, childComplexity }) => {
  const key = `${type.name}.${field.name}`;
  const own = FIELD_COSTS[key] ?? 1;
  const times = isListType(getNullableType(field.type)) ? (LIST_SIZE_ESTIMATES[key] ?? 1) : 1;
  return own + childComplexity * times;
};

const NODE_LIMIT_MESSAGE = /maximum allowed number of nodes/;

/**
 * Cost of the operation `operationName` (or the only one) of `document`, in cost units (see
 * {@link FIELD_COSTS}); fields skipped by @skip/@include with these variables do not count.
 * Throws a GraphQLError when variables cannot be coerced, and when the document expands to more
 * than 10 000 selections (fragments spread many times).
 */
export function queryCost(
  schema: GraphQLSchema,
  document: DocumentNode,
  variables: Record<string, unknown> = {},
  operationName?: string,
): number {
  return getComplexity({
    schema,
    query: document,
    variables,
    ...(operationName ? { operationName } : {}),
    estimators: [estimator],
  });
}

/** A 400 refusal of the operation's shape, as Apollo gives for its own validation errors. */
function refused(message: string, extensions: Record<string, unknown>): GraphQLError {
  return new GraphQLError(message, {
    extensions: { code: 'GRAPHQL_VALIDATION_FAILED', ...extensions, http: { status: 400, headers: new HeaderMap() } },
  });
}

/**
 * Apollo plugin refusing operations that cost more than `maxCost` (cost units, see
 * {@link queryCost}) after the operation is resolved and before it executes. The error says the
 * cost found and the limit (extensions `cost`, `maxCost`). Operations whose variables do not
 * coerce pass through: execution reports those with its own error.
 */
export function costLimitPlugin(maxCost: number): ApolloServerPlugin<BaseContext> {
  // Per parsed document: its cost per operation name, or null when it uses @skip/@include (then
  // which fields count depends on the variables, so it is costed every time). Apollo hands the
  // same parsed document to every request with the same text, so a client repeating its queries
  // is costed once (computing it took about 4 % of the server's CPU under `npm run load`). Weak
  // keys: a document Apollo drops from its store goes from here too.
  const costs = new WeakMap<DocumentNode, Map<string, number> | null>();
  return {
    async requestDidStart() {
      return {
        async didResolveOperation({ request, document, schema, operationName }) {
          let byOperation = costs.get(document);
          if (byOperation === undefined) {
            byOperation = hasConditionalDirectives(document) ? null : new Map();
            costs.set(document, byOperation);
          }
          let cost = byOperation?.get(operationName ?? '');
          if (cost === undefined) {
            try {
              cost = queryCost(schema, document, request.variables ?? {}, operationName ?? undefined);
            } catch (e) {
              if (e instanceof Error && NODE_LIMIT_MESSAGE.test(e.message)) {
                throw refused('Query too large: it expands to more than 10000 selections', { maxCost });
              }
              return;
            }
            byOperation?.set(operationName ?? '', cost);
          }
          if (cost > maxCost) {
            throw refused(
              `Query cost ${cost} exceeds the limit of ${maxCost}. Analysis fields are expensive ` +
                '(recommendControls and whatIf 400 each, attackPaths and attackGraph 300, baselineGaps 150, ' +
                'every other field 1): send at most two or three of them per request.',
              { cost, maxCost },
            );
          }
        },
      };
    },
  };
}

/** Whether `document` uses @skip or @include (then which fields count depends on the variables). */
function hasConditionalDirectives(document: DocumentNode): boolean {
  let found = false;
  visit(document, {
    Directive(node) {
      if (node.name.value !== 'skip' && node.name.value !== 'include') return undefined;
      found = true;
      return BREAK;
    },
  });
  return found;
}

/** Reports an Armor refusal as a plain validation error, without Armor's "Syntax Error:" prefix. */
function reportAs(limit: string): GraphQLArmorRejectCallback {
  return (ctx, error) => {
    ctx?.reportError(new GraphQLError(error.message.replace(/^Syntax Error: /, ''), { extensions: { limit } }));
  };
}

/** What {@link graphqlLimits} adds to the ApolloServer options. */
export interface GraphqlLimitOptions {
  validationRules: ValidationRule[];
  plugins: ApolloServerPlugin<BaseContext>[];
  parseOptions: ParseOptions;
}

/**
 * The validation rules, plugins and parser options that enforce `limits` (depth, aliases,
 * directives, tokens, cost). Field suggestions ("Did you mean ...?") are hidden whenever
 * introspection is off, since they would reveal the schema piece by piece.
 */
export function graphqlLimits(limits: GraphqlHardening): GraphqlLimitOptions {
  const armor = new ApolloArmor({
    // flattenFragments: a fragment spread is not a level of nesting, only its fields are
    maxDepth: {
      n: limits.maxDepth,
      flattenFragments: true,
      propagateOnRejection: false,
      onReject: [reportAs('maxDepth')],
    },
    maxAliases: { n: limits.maxAliases, propagateOnRejection: false, onReject: [reportAs('maxAliases')] },
    maxDirectives: { n: limits.maxDirectives, propagateOnRejection: false, onReject: [reportAs('maxDirectives')] },
    blockFieldSuggestion: { enabled: !limits.introspection },
    maxTokens: { enabled: false },
    costLimit: { enabled: false },
  }).protect();
  return {
    validationRules: armor.validationRules,
    plugins: [...armor.plugins, costLimitPlugin(limits.maxCost)] as ApolloServerPlugin<BaseContext>[],
    parseOptions: { maxTokens: limits.maxTokens },
  };
}
