/** Shared by the benchmarks that write docs/ (run-bench, load). */

/** `text` as Prettier formats `file` with the project's settings (`npm run lint` checks docs too); `text` unchanged if Prettier fails. */
export async function formatted(file: string, text: string): Promise<string> {
  try {
    const prettier = await import('prettier');
    return await prettier.format(text, { ...((await prettier.resolveConfig(file)) ?? {}), filepath: file });
  } catch {
    return text;
  }
}
