import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import {
  Application,
  DeclarationReflection,
  ReflectionKind,
  type Comment,
  type ContainerReflection,
  type ProjectReflection,
} from 'typedoc';
import { beforeAll, describe, expect, it } from 'vitest';

const repoRoot = fileURLToPath(new URL('../../../', import.meta.url));

/** The kinds of top-level export that must carry a doc comment with an `@example`. */
const CHECKED_KINDS =
  ReflectionKind.Class |
  ReflectionKind.Function |
  ReflectionKind.Variable |
  ReflectionKind.TypeAlias |
  ReflectionKind.Interface |
  ReflectionKind.Enum;

/**
 * Converts the project with the docs site's own config (typedoc.json, one module per package
 * entry point) in memory: nothing is written, so it cannot clash with docs/api or `npm run docs`.
 */
async function convertDocsProject(): Promise<ProjectReflection> {
  const app = await Application.bootstrapWithPlugins({
    options: join(repoRoot, 'typedoc.json'),
    tsconfig: join(repoRoot, 'tsconfig.json'),
    // Type errors are the typecheck's job; this test is about the comments.
    skipErrorChecking: true,
    logLevel: 'Error',
  });
  const project = await app.convert();
  if (!project) throw new Error('TypeDoc could not convert the project (see its errors above)');
  return project;
}

/** The entry modules: `@expense-tracker/server`, `@expense-tracker/core/index`, `.../store`, `.../kysely`, `.../testing`. */
function entryModules(project: ProjectReflection): { name: string; module: ContainerReflection }[] {
  const modules: { name: string; module: ContainerReflection }[] = [];
  for (const pkg of project.children ?? []) {
    const subModules = (pkg.children ?? []).filter((child) => child.kindOf(ReflectionKind.Module));
    if (subModules.length === 0) modules.push({ name: pkg.name, module: pkg });
    for (const sub of subModules) modules.push({ name: `${pkg.name}/${sub.name}`, module: sub });
  }
  return modules;
}

const hasExample = (comment: Comment | undefined): boolean =>
  comment?.blockTags.some((tag) => tag.tag === '@example') ?? false;

/** Functions keep their comment on the signature, most other kinds on the declaration. */
function documentedWithExample(reflection: DeclarationReflection): boolean {
  return (
    hasExample(reflection.comment) || (reflection.signatures ?? []).some((signature) => hasExample(signature.comment))
  );
}

describe('the API reference', () => {
  let project: ProjectReflection;
  beforeAll(async () => {
    project = await convertDocsProject();
  }, 300_000); // TypeDoc over both packages: ~40 s alone, past 120 s on a loaded 2-core machine

  it('documents every entry point of both packages', () => {
    expect(
      entryModules(project)
        .map((entry) => entry.name)
        .sort(),
    ).toEqual([
      '@expense-tracker/core/index',
      '@expense-tracker/core/kysely',
      '@expense-tracker/core/store',
      '@expense-tracker/core/testing',
      '@expense-tracker/server',
    ]);
  });

  it('gives every public export a doc comment with an @example', () => {
    const checked: string[] = [];
    const missing: string[] = [];
    for (const { name, module } of entryModules(project)) {
      for (const child of module.children ?? []) {
        if (!(child instanceof DeclarationReflection) || !child.kindOf(CHECKED_KINDS)) continue;
        const label = `${name}: ${child.name} (${ReflectionKind.singularString(child.kind)})`;
        checked.push(label);
        if (!documentedWithExample(child)) missing.push(label);
      }
    }
    // The walk must really reach the exports, or an empty list would pass for the wrong reason.
    expect(checked).toContain('@expense-tracker/core/index: Tracker (Class)');
    expect(checked).toContain('@expense-tracker/core/store: Store (Interface)');
    expect(checked).toContain('@expense-tracker/core/kysely: hostDatabase (Function)');
    expect(checked).toContain('@expense-tracker/server: createApp (Function)');
    expect(checked.length).toBeGreaterThan(200);
    expect(missing).toEqual([]);
  });
});
