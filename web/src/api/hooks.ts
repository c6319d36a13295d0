/**
 * Data hooks over the typed operations (TanStack Query for caching, loading and error state).
 * Every write invalidates the model's queries, so the map and the analysis refresh after it.
 */
import { keepPreviousData, useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useMemo } from 'react';
import type { TypedDocumentNode } from '@graphql-typed-document-node/core';
import {
  AcceptRecommendationDocument,
  ApiKeysDocument,
  AssetsPageDocument,
  AuditEventsDocument,
  AttackPathsDocument,
  BaselineGapsDocument,
  CatalogueDocument,
  ChannelsPageDocument,
  ControlPlacementsPageDocument,
  ControlReviewDocument,
  CostRiskCurveDocument,
  DevicesPageDocument,
  InterfacesPageDocument,
  ModelElementsDocument,
  ModelDiffDocument,
  ModelListDocument,
  ModelVersionsDocument,
  RecommendControlsDocument,
  UsersDocument,
  VulnerabilitiesPageDocument,
  WhatIfDocument,
  type CatalogueQuery,
  type ModelRevisionInput,
  type ModelSummaryFieldsFragment,
  type PageInfoFieldsFragment,
  type PlacementAssumption,
  type PlacementInput,
  type Severity,
} from './__generated__/graphql';
import { mutate, request } from './client';
import { GraphQLRequestError } from './errors';
import { withoutBidiControls } from '../app/bidi';
import type { ModelData } from '../graph/model-index';

export const PAGE_SIZE = 1000;

export const keys = {
  me: ['me'] as const,
  users: ['users'] as const,
  apiKeys: ['apiKeys'] as const,
  audit: (args: object) => ['audit', args] as const,
  models: ['models'] as const,
  catalogue: ['catalogue'] as const,
  model: (id: string) => ['model', id] as const,
  elements: (id: string) => ['model', id, 'elements'] as const,
  paths: (id: string, args: object) => ['model', id, 'paths', args] as const,
  recommend: (id: string, args: object) => ['model', id, 'recommend', args] as const,
  whatIf: (id: string, args: object) => ['model', id, 'whatIf', args] as const,
  baseline: (id: string, assume: PlacementAssumption = 'IMPLEMENTED') => ['model', id, 'baseline', assume] as const,
  controlReview: (id: string) => ['model', id, 'controlReview'] as const,
  curve: (id: string, minSeverity: string) => ['model', id, 'curve', minSeverity] as const,
  versions: (id: string) => ['model', id, 'versions'] as const,
  diff: (id: string, args: object) => ['model', id, 'diff', args] as const,
};

export interface LoadedModel {
  summary: Omit<ModelSummaryFieldsFragment, 'counts'> & { counts: NonNullable<ModelSummaryFieldsFragment['counts']> };
  data: ModelData;
}

/**
 * `value`, which the server left null only together with an error (the element lists and counts
 * are nullable so that a malformed stored element does not blank the whole model); request()
 * already rejects on any error, so this only guards the types.
 */
function present<T>(value: T | null | undefined, field: string): T {
  if (value === null || value === undefined) {
    throw new GraphQLRequestError([{ message: `The server returned no ${field} for this model` }]);
  }
  return value;
}

type PageQuery<N> = TypedDocumentNode<
  { model: { [k: string]: unknown } | null },
  { id: string; first: number; after?: string | null }
> & { __nodes?: N };

async function rest<N>(
  id: string,
  first: { nodes: N[]; pageInfo: PageInfoFieldsFragment },
  doc: TypedDocumentNode<unknown, { id: string; first: number; after?: string | null }>,
  field: string,
): Promise<N[]> {
  const all = [...first.nodes];
  let page = first.pageInfo;
  while (page.hasNextPage && page.endCursor) {
    const r = (await request(doc as PageQuery<N>, { id, first: PAGE_SIZE, after: page.endCursor })) as {
      model: Record<string, { nodes: N[]; pageInfo: PageInfoFieldsFragment }> | null;
    };
    const conn = r.model?.[field];
    if (!conn) break;
    all.push(...conn.nodes);
    page = conn.pageInfo;
  }
  return all;
}

/** Every element of a model (all pages); null if the model does not exist. */
export async function fetchModel(id: string): Promise<LoadedModel | null> {
  const r = await request(ModelElementsDocument, { id, first: PAGE_SIZE });
  const m = r.model;
  if (!m) return null;
  const [devices, interfaces, channels, assets, vulnerabilities, controlPlacements] = await Promise.all([
    rest(id, present(m.devices, 'devices'), DevicesPageDocument as never, 'devices'),
    rest(id, present(m.interfaces, 'interfaces'), InterfacesPageDocument as never, 'interfaces'),
    rest(id, present(m.channels, 'channels'), ChannelsPageDocument as never, 'channels'),
    rest(id, present(m.assets, 'assets'), AssetsPageDocument as never, 'assets'),
    rest(id, present(m.vulnerabilities, 'vulnerabilities'), VulnerabilitiesPageDocument as never, 'vulnerabilities'),
    rest(
      id,
      present(m.controlPlacements, 'control placements'),
      ControlPlacementsPageDocument as never,
      'controlPlacements',
    ),
  ]);
  const { id: mid, name, description, version, createdAt, updatedAt } = m;
  const counts = present(m.counts, 'counts');
  const zones = present(m.zones, 'zones');
  // names may carry bidi controls stored before the server refused them: strip before rendering
  return withoutBidiControls({
    summary: { id: mid, name, description, version, createdAt, updatedAt, counts },
    data: { zones, devices, interfaces, channels, assets, vulnerabilities, controlPlacements } as ModelData,
  });
}

export function useModels() {
  return useQuery({
    queryKey: keys.models,
    queryFn: () => request(ModelListDocument, {}).then((r) => withoutBidiControls(r.models)),
  });
}

/**
 * The models the caller may see as `{ id, name }` references (for scope pickers) and an id → name
 * map (for showing a scope), both stable between renders.
 */
export function useModelRefs(): { refs: { id: string; name: string }[]; names: Map<string, string> } {
  const models = useModels();
  return useMemo(() => {
    const refs = (models.data ?? []).map((m) => ({ id: m.id, name: m.name }));
    return { refs, names: new Map(refs.map((m) => [m.id, m.name])) };
  }, [models.data]);
}

export function useModel(id: string) {
  return useQuery({ queryKey: keys.elements(id), queryFn: () => fetchModel(id), placeholderData: keepPreviousData });
}

export type Catalogue = CatalogueQuery['catalogue'];

export function useCatalogue() {
  return useQuery({
    queryKey: keys.catalogue,
    queryFn: () => request(CatalogueDocument, {}).then((r) => r.catalogue),
    staleTime: Infinity,
  });
}

export interface PathArgs {
  k: number;
  minSeverity: Severity;
  fromElementIds: string[] | null;
}

export function useAttackPaths(id: string, args: PathArgs, enabled = true) {
  return useQuery({
    queryKey: keys.paths(id, args),
    queryFn: () =>
      request(AttackPathsDocument, {
        id,
        k: args.k,
        minSeverity: args.minSeverity,
        fromElementIds: args.fromElementIds && args.fromElementIds.length ? args.fromElementIds : null,
      }).then((r) => r.model?.attackPaths ?? null),
    enabled,
    placeholderData: keepPreviousData,
  });
}

export interface RecommendArgs {
  minSeverity: Severity;
  budget: number | null;
}

export function useRecommendation(id: string, args: RecommendArgs, enabled = true) {
  return useQuery({
    queryKey: keys.recommend(id, args),
    queryFn: () =>
      request(RecommendControlsDocument, { id, minSeverity: args.minSeverity, budget: args.budget }).then(
        (r) => r.model?.recommendControls ?? null,
      ),
    enabled,
    placeholderData: keepPreviousData,
  });
}

export function useWhatIf(id: string, placements: PlacementInput[], minSeverity: Severity, enabled = true) {
  const args = { placements, minSeverity };
  return useQuery({
    queryKey: keys.whatIf(id, args),
    queryFn: () => request(WhatIfDocument, { id, placements, minSeverity, k: 3 }).then((r) => r.model?.whatIf ?? null),
    enabled,
    placeholderData: keepPreviousData,
  });
}

/**
 * Every baseline row of the model (MET, PLANNED, MISSING, NOT_APPLICABLE); `assume`
 * IMPLEMENTED_AND_PLANNED counts planned placements as in force.
 */
export function useBaselineGaps(id: string, enabled = true, assume: PlacementAssumption = 'IMPLEMENTED') {
  return useQuery({
    queryKey: keys.baseline(id, assume),
    queryFn: () =>
      request(BaselineGapsDocument, { id, onlyGaps: false, assume }).then((r) => r.model?.baselineGaps ?? null),
    enabled,
    placeholderData: keepPreviousData,
  });
}

/**
 * The model's cost–risk curve for `minSeverity` (at most 12 points in 20 s: what each extra cost unit
 * buys; `complete` false when cut short).
 */
export function useCostRiskCurve(id: string, minSeverity: Severity, enabled = true) {
  return useQuery({
    queryKey: keys.curve(id, minSeverity),
    queryFn: () =>
      request(CostRiskCurveDocument, { id, minSeverity, maxBreakpoints: 12, timeLimitMs: 20000 }).then(
        (r) => r.model?.costRiskCurve ?? null,
      ),
    enabled,
  });
}

/** The model's control review (controls v2 migration report): placements to look at again. */
export function useControlReview(id: string, enabled = true) {
  return useQuery({
    queryKey: keys.controlReview(id),
    queryFn: () => request(ControlReviewDocument, { id }).then((r) => r.model?.controlReview ?? null),
    enabled,
  });
}

/** A write to a model: runs `fn`, then refreshes everything about the model. */
export function useModelWrite<TArgs, TResult>(modelId: string, fn: (args: TArgs) => Promise<TResult>) {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: fn,
    onSuccess: async () => {
      await Promise.all([
        qc.invalidateQueries({ queryKey: keys.model(modelId) }),
        qc.invalidateQueries({ queryKey: keys.models }),
      ]);
    },
  });
}

export function useAcceptRecommendation(modelId: string) {
  return useModelWrite(modelId, (placements: PlacementInput[]) =>
    mutate(AcceptRecommendationDocument, { modelId, placements }),
  );
}

/** Every local account (ADMIN). */
export function useUsers() {
  return useQuery({ queryKey: keys.users, queryFn: () => request(UsersDocument, {}).then((r) => r.users) });
}

/** Every API key, without secrets (ADMIN). */
export function useApiKeys() {
  return useQuery({ queryKey: keys.apiKeys, queryFn: () => request(ApiKeysDocument, {}).then((r) => r.apiKeys) });
}

export interface AuditFilter {
  modelId: string | null;
  actorId: string | null;
  action: string | null;
}

/** One page of the audit trail, newest first (ADMIN). `after`: the previous page's end cursor. */
export function useAuditEvents(filter: AuditFilter, first: number, after: string | null) {
  const args = { ...filter, first, after };
  return useQuery({
    queryKey: keys.audit(args),
    queryFn: () => request(AuditEventsDocument, args).then((r) => r.auditEvents),
    placeholderData: keepPreviousData,
  });
}

/** The model's version, earliest rebuildable version and named snapshots (newest first). */
export function useModelVersions(id: string) {
  return useQuery({
    queryKey: keys.versions(id),
    queryFn: () => request(ModelVersionsDocument, { id }).then((r) => r.model),
  });
}

/** What changed from one revision of a model to another, with risk totals at both. */
export function useModelDiff(modelId: string, from: ModelRevisionInput | null, to: ModelRevisionInput | null) {
  return useQuery({
    queryKey: keys.diff(modelId, { from, to }),
    queryFn: () => request(ModelDiffDocument, { modelId, from: from!, to: to! }).then((r) => r.modelDiff),
    enabled: Boolean(from && to),
    placeholderData: keepPreviousData,
  });
}
