/**
 * Compiles the ```ts blocks of TSDoc `@example`s, so that an example that no longer matches
 * the API fails a test with its file and line instead of misleading a reader.
 *
 * The convention (CONTRIBUTING.md, "Examples in TSDoc"): an example is a module of its own,
 * type-checked with `tsconfig.base.json` (strict, `noUncheckedIndexedAccess`), importing the
 * packages by name through their `exports` as an app does. The `source` condition of that
 * config resolves them to their TypeScript sources, so no build is needed and a stale dist/
 * cannot hide an error; the built .d.ts are a consumer's concern, checked by pack.test.ts
 * and attw. An example may use without importing
 * - any public name of the two packages' entry points, imported for it from the entry that
 *   exports it: the reference page it is shown on says where the name comes from, and an
 *   import or declaration of the name in the example always wins;
 * - the few values an example may assume already exist, declared in {@link EXAMPLE_CONTEXT}.
 * Anything else it creates, or declares (`declare const appTables: HostTables<…>;`). An example
 * of an internal module imports that module by its relative path, as the module's neighbours do.
 */
import { readFileSync } from 'node:fs';
import { basename, dirname, join, relative } from 'node:path';
import ts from 'typescript';

/** One ```ts block: the file it is in (relative to the repository), the line of its first code line (1-based). */
export interface DocExample {
  file: string;
  line: number;
  code: string;
}

/** A compiler error in an example, at its line in the source file. */
export interface DocExampleError {
  file: string;
  line: number;
  message: string;
}

/**
 * What an example may assume exists, without declaring it: an open, migrated tracker, owner
 * handles on it, the bundled store, and the records of the running example (the Food
 * category, the Groceries budget...) that one-line method examples act on. Kept small on
 * purpose: anything else an example needs, it creates or declares.
 */
export const EXAMPLE_CONTEXT = `
import type { Budget, Category, Expense, Notification, OwnerHandle, Tracker } from '@expense-tracker/core';
import type { KyselyStore } from '@expense-tracker/core/kysely';
declare global {
  /** An open tracker whose database is migrated. */
  const tracker: Tracker;
  /** Owner handles of \`tracker\`. */
  const owner: OwnerHandle;
  const alice: OwnerHandle;
  /** The bundled store (a \`Store\`, with its Kysely instance as \`db\`), migrated. */
  const store: KyselyStore;
  /** The running example's records, which the owner handle's one-line examples act on. */
  const food: Category;
  const snacks: Category;
  const misc: Category;
  const lunch: Expense;
  const groceries: Budget;
  const ruleId: string;
  const scheduleId: string;
  const notification: Notification;
}
export {};
`;

/** The ```ts blocks inside the `@example` sections of every TSDoc comment in a TypeScript file. */
export function extractExamples(file: string, text: string): DocExample[] {
  const source = ts.createSourceFile(file, text, ts.ScriptTarget.Latest, true);
  const examples: DocExample[] = [];
  for (const comment of docComments(source)) {
    const firstLine = source.getLineAndCharacterOfPosition(comment.pos).line + 1;
    examples.push(...examplesInComment(file, firstLine, text.slice(comment.pos, comment.end)));
  }
  return examples;
}

/** Every `/** … *\/` comment that leads a node of the file, once each. */
function docComments(source: ts.SourceFile): ts.CommentRange[] {
  const found = new Map<number, ts.CommentRange>();
  const visit = (node: ts.Node): void => {
    for (const range of ts.getLeadingCommentRanges(source.text, node.getFullStart()) ?? []) {
      if (source.text.startsWith('/**', range.pos)) found.set(range.pos, range);
    }
    ts.forEachChild(node, visit);
  };
  visit(source);
  visit(source.endOfFileToken);
  return [...found.values()].sort((a, b) => a.pos - b.pos);
}

/** Walks one comment line by line: `@example` opens a section, any other block tag closes it. */
function examplesInComment(file: string, firstLine: number, comment: string): DocExample[] {
  const examples: DocExample[] = [];
  let inExample = false;
  let fence: { ts: boolean; line: number; lines: string[] } | undefined;
  comment.split('\n').forEach((raw, index) => {
    const line = raw
      .replace(/^\s*\/\*\*\s?/, '')
      .replace(/\s*\*\/\s*$/, '')
      .replace(/^\s*\* ?/, '');
    if (fence) {
      if (/^\s*```\s*$/.test(line)) {
        if (fence.ts) examples.push({ file, line: fence.line, code: fence.lines.join('\n') });
        fence = undefined;
      } else fence.lines.push(line);
      return;
    }
    const tag = /^\s*@(\w+)/.exec(line)?.[1];
    if (tag) inExample = tag === 'example';
    const opening = /^\s*```(\w*)/.exec(line);
    if (opening)
      fence = { ts: inExample && /^(ts|typescript)$/.test(opening[1] ?? ''), line: firstLine + index + 1, lines: [] };
  });
  return examples;
}

/** A public name and the specifier of an entry point that exports it. */
interface PublicName {
  specifier: string;
  typeOnly: boolean;
}

/** The public names of every entry point of the packages, by name (the first entry listed wins). */
function publicNames(repoRoot: string, packageDirs: string[]): Map<string, PublicName> {
  const names = new Map<string, PublicName>();
  for (const dir of packageDirs) {
    const manifest = JSON.parse(readFileSync(join(repoRoot, dir, 'package.json'), 'utf8')) as {
      name: string;
      exports: Record<string, { source: string }>;
    };
    for (const [subpath, conditions] of Object.entries(manifest.exports)) {
      const specifier = manifest.name + subpath.slice(1);
      const entry = join(repoRoot, dir, conditions.source);
      const source = ts.createSourceFile(entry, readFileSync(entry, 'utf8'), ts.ScriptTarget.Latest);
      for (const statement of source.statements) {
        if (!ts.isExportDeclaration(statement) || !statement.exportClause || !ts.isNamedExports(statement.exportClause))
          continue;
        for (const element of statement.exportClause.elements) {
          if (names.has(element.name.text)) continue;
          names.set(element.name.text, { specifier, typeOnly: statement.isTypeOnly || element.isTypeOnly });
        }
      }
    }
  }
  return names;
}

/** The names an example declares or imports at its top level: those it does not get for free. */
function topLevelNames(source: ts.SourceFile): Set<string> {
  const names = new Set<string>();
  const bind = (name: ts.BindingName): void => {
    if (ts.isIdentifier(name)) names.add(name.text);
    else for (const element of name.elements) if (!ts.isOmittedExpression(element)) bind(element.name);
  };
  for (const statement of source.statements) {
    if (ts.isImportDeclaration(statement)) {
      const clause = statement.importClause;
      if (clause?.name) names.add(clause.name.text);
      const bindings = clause?.namedBindings;
      if (bindings && ts.isNamespaceImport(bindings)) names.add(bindings.name.text);
      if (bindings && ts.isNamedImports(bindings))
        for (const element of bindings.elements) names.add(element.name.text);
    } else if (ts.isVariableStatement(statement)) {
      for (const declaration of statement.declarationList.declarations) bind(declaration.name);
    } else if (isNamedDeclaration(statement) && statement.name && ts.isIdentifier(statement.name)) {
      names.add(statement.name.text);
    }
  }
  return names;
}

/** A top-level statement that declares one name. */
function isNamedDeclaration(
  statement: ts.Statement,
): statement is
  | ts.FunctionDeclaration
  | ts.ClassDeclaration
  | ts.InterfaceDeclaration
  | ts.TypeAliasDeclaration
  | ts.EnumDeclaration
  | ts.ModuleDeclaration {
  return (
    ts.isFunctionDeclaration(statement) ||
    ts.isClassDeclaration(statement) ||
    ts.isInterfaceDeclaration(statement) ||
    ts.isTypeAliasDeclaration(statement) ||
    ts.isEnumDeclaration(statement) ||
    ts.isModuleDeclaration(statement)
  );
}

/** Every identifier the example mentions. */
function mentionedNames(source: ts.SourceFile): Set<string> {
  const names = new Set<string>();
  const visit = (node: ts.Node): void => {
    if (ts.isIdentifier(node)) names.add(node.text);
    ts.forEachChild(node, visit);
  };
  visit(source);
  return names;
}

/** One line of imports for the public names the example uses and does not declare itself. */
function implicitImports(code: string, names: Map<string, PublicName>): string {
  const source = ts.createSourceFile('example.ts', code, ts.ScriptTarget.Latest);
  const own = topLevelNames(source);
  const bySpecifier = new Map<string, string[]>();
  for (const name of mentionedNames(source)) {
    const found = names.get(name);
    if (!found || own.has(name)) continue;
    bySpecifier.set(found.specifier, [
      ...(bySpecifier.get(found.specifier) ?? []),
      found.typeOnly ? `type ${name}` : name,
    ]);
  }
  return [...bySpecifier]
    .map(([specifier, imported]) => `import { ${imported.join(', ')} } from '${specifier}';`)
    .join(' ');
}

/**
 * Type-checks every example in one program with `tsconfig.base.json`'s options, each as its own
 * module beside the file it documents: the packages resolve by name from the repository's
 * node_modules, and an example of an internal module can import it by its relative path.
 */
export function compileExamples(repoRoot: string, packageDirs: string[], examples: DocExample[]): DocExampleError[] {
  const config = ts.readConfigFile(join(repoRoot, 'tsconfig.base.json'), (path) => ts.sys.readFile(path));
  const { options } = ts.parseJsonConfigFileContent(config.config, ts.sys, repoRoot);
  const names = publicNames(repoRoot, packageDirs);
  const virtual = new Map<string, { example: DocExample; headerLines: number; text: string }>();
  examples.forEach((example, index) => {
    const header = implicitImports(example.code, names);
    const path = join(
      repoRoot,
      dirname(example.file),
      `.${basename(example.file, '.ts')}.example-${index}-L${example.line}.ts`,
    );
    virtual.set(path, {
      example,
      headerLines: header ? 1 : 0,
      text: `${header ? `${header}\n` : ''}${example.code}\nexport {};\n`,
    });
  });
  const contextPath = join(repoRoot, '.doc-example-context.ts');
  const host = ts.createCompilerHost({ ...options, noEmit: true });
  const readFile = host.readFile.bind(host);
  const fileExists = host.fileExists.bind(host);
  host.readFile = (path) => (path === contextPath ? EXAMPLE_CONTEXT : (virtual.get(path)?.text ?? readFile(path)));
  host.fileExists = (path) => path === contextPath || virtual.has(path) || fileExists(path);
  const program = ts.createProgram({
    rootNames: [contextPath, ...virtual.keys()],
    options: { ...options, noEmit: true },
    host,
  });

  const errors: DocExampleError[] = program.getGlobalDiagnostics().map((diagnostic) => ({
    file: relative(repoRoot, diagnostic.file?.fileName ?? 'tsconfig.base.json'),
    line: 0,
    message: ts.flattenDiagnosticMessageText(diagnostic.messageText, '\n'),
  }));
  for (const [path, { example, headerLines }] of virtual) {
    const source = program.getSourceFile(path);
    if (!source) throw new Error(`The example at ${example.file}:${example.line} did not reach the program`);
    for (const diagnostic of [...program.getSyntacticDiagnostics(source), ...program.getSemanticDiagnostics(source)]) {
      const line = source.getLineAndCharacterOfPosition(diagnostic.start ?? 0).line - headerLines;
      errors.push({
        file: example.file,
        line: example.line + Math.max(line, 0),
        message: `TS${diagnostic.code}: ${ts.flattenDiagnosticMessageText(diagnostic.messageText, '\n')}`,
      });
    }
  }
  return errors;
}
