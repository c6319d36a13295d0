/**
 * Evidence imports (schema/imports.graphql): Query.previewCsafImport / previewCycloneDxImport and
 * Mutation.commitCsafImport / commitCycloneDxImport. Thin: the logic is in ImportService and the
 * pure importers (server/src/importers).
 */
import type { GraphQLResolveInfo } from 'graphql';
import { actorOf, type Context } from '../context';
import type { Severity } from '../domain/types';

type Opt<T> = T | null | undefined;
const given = <T>(v: Opt<T>): T | undefined => (v === null ? undefined : v);

/** The commit options of the GraphQL arguments, nulls dropped. */
function commitOptions(a: {
  confirm?: Opt<string[]>;
  skip?: Opt<string[]>;
  expectedVersion?: Opt<number>;
  fileName?: Opt<string>;
}) {
  const confirm = given(a.confirm);
  const skip = given(a.skip);
  const expectedVersion = given(a.expectedVersion);
  const fileName = given(a.fileName);
  return {
    ...(confirm !== undefined ? { confirm } : {}),
    ...(skip !== undefined ? { skip } : {}),
    ...(expectedVersion !== undefined ? { expectedVersion } : {}),
    ...(fileName !== undefined ? { fileName } : {}),
  };
}

export const ImportQuery = {
  /** Query.advisoryWatch: ImportService.watchCsaf (nothing written); the new paths' steps resolved. */
  advisoryWatch: async (
    _: unknown,
    a: {
      modelId: string;
      documents: unknown[];
      fileNames?: Opt<string[]>;
      confirm?: Opt<string[]>;
      minSeverity?: Opt<Severity>;
      k?: Opt<number>;
    },
    ctx: Context,
  ) => {
    const fileNames = given(a.fileNames);
    const confirm = given(a.confirm);
    const minSeverity = given(a.minSeverity);
    const k = given(a.k);
    const watch = await ctx.services.imports.watchCsaf(a.modelId, a.documents, {
      ...(fileNames ? { fileNames } : {}),
      ...(confirm ? { confirm } : {}),
      ...(minSeverity ? { minSeverity } : {}),
      ...(k !== undefined ? { k } : {}),
    });
    const { paths, advisories, ...rest } = watch;
    return {
      ...rest,
      newPaths: paths,
      advisories: advisories.map((p) => ({ modelVersion: watch.modelVersion, ...p })),
    };
  },
  /** Query.previewCsafImport: ImportService.previewCsaf, the model version beside the preview. */
  previewCsafImport: async (
    _: unknown,
    a: { modelId: string; document: unknown; fileName?: Opt<string> },
    ctx: Context,
  ) => {
    const { modelVersion, preview } = await ctx.services.imports.previewCsaf(a.modelId, a.document, given(a.fileName));
    return { modelVersion, ...preview };
  },
  /** Query.previewCycloneDxImport: ImportService.previewCycloneDx. */
  previewCycloneDxImport: async (
    _: unknown,
    a: { modelId: string; deviceId: string; document: unknown; fileName?: Opt<string> },
    ctx: Context,
  ) => {
    const { modelVersion, preview } = await ctx.services.imports.previewCycloneDx(
      a.modelId,
      a.deviceId,
      a.document,
      given(a.fileName),
    );
    return { modelVersion, ...preview };
  },
};

export const ImportMutation = {
  /** Mutation.commitCsafImport: ImportService.commitCsaf with the request's actor. */
  commitCsafImport: async (
    _: unknown,
    a: {
      modelId: string;
      document: unknown;
      confirm?: Opt<string[]>;
      skip?: Opt<string[]>;
      expectedVersion?: Opt<number>;
      fileName?: Opt<string>;
    },
    ctx: Context,
    info: GraphQLResolveInfo,
  ) => {
    const r = await ctx.services.imports.commitCsaf(
      actorOf(ctx, info.fieldName),
      a.modelId,
      a.document,
      commitOptions(a),
    );
    return { ...r, preview: { modelVersion: r.modelVersion, ...r.preview } };
  },
  /** Mutation.commitCycloneDxImport: ImportService.commitCycloneDx with the request's actor. */
  commitCycloneDxImport: async (
    _: unknown,
    a: {
      modelId: string;
      deviceId: string;
      document: unknown;
      skip?: Opt<string[]>;
      expectedVersion?: Opt<number>;
      fileName?: Opt<string>;
    },
    ctx: Context,
    info: GraphQLResolveInfo,
  ) => {
    const r = await ctx.services.imports.commitCycloneDx(
      actorOf(ctx, info.fieldName),
      a.modelId,
      a.deviceId,
      a.document,
      commitOptions(a),
    );
    return { ...r, preview: { modelVersion: r.modelVersion, ...r.preview } };
  },
};
