// How Mesa's long-lived processes start (`npm start`, `npm run api`, `npm run worker`, the
// cluster's processes and the systemd units): `node runtime/launch.mjs runtime/<entry>.ts`.
//
// The entry and the project's modules are bundled by esbuild into one JavaScript file, which this
// process then imports. Running the TypeScript through tsx's loader instead kept, for as long as
// the process ran, a loader thread with a heap of its own, two esbuild processes and the
// transformed sources (README, «Performance»). Bundling takes under a second and is done at every
// start, so what runs is always the code on disk.
//
// The bundle does not depend on where it is written: packages are left out of it and imported by
// their absolute paths, and every `import.meta.url` and `import.meta.resolve('…')` of the project's
// modules is replaced by what it is in the module's own file. So it is written where the process
// may write: systemd's cache folder (`CacheDirectory=`, given as CACHE_DIRECTORY) when there is
// one, otherwise `node_modules/.cache/mesa` in the project.
import { existsSync, mkdirSync, renameSync, writeFileSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { isBuiltin } from 'node:module';
import { basename, dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { build, stop } from 'esbuild';

const root = fileURLToPath(new URL('..', import.meta.url));
const entry = process.argv[2] ? resolve(process.argv[2]) : null;
if (!entry || !entry.startsWith(root) || !entry.endsWith('.ts')) {
  console.error('Uso: node runtime/launch.mjs runtime/<entrada>.ts (un archivo .ts de este proyecto)');
  process.exit(2);
}
if (!existsSync(entry)) {
  console.error(`No existe el archivo ${relative(root, entry)}.`);
  process.exit(2);
}
// The entry sees the arguments that follow it, as if it had been started itself.
process.argv.splice(1, 2, entry, ...process.argv.slice(3));

const folder = process.env.CACHE_DIRECTORY?.split(':')[0] ?? join(root, 'node_modules', '.cache', 'mesa');
const out = join(folder, `${basename(entry, '.ts')}.mjs`);

const ownModules = {
  name: 'mesa-own-modules',
  setup(b) {
    /**
     * Where `specifier` is, as Node itself would find it from `resolveDir` (the build's options
     * below keep esbuild to Node's rules: `exports` with the conditions `node`, `import` or
     * `require` and `default`, otherwise `main`): its file URL, or esbuild's errors.
     */
    const fileUrl = async (specifier, kind, resolveDir) => {
      const found = await b.resolve(specifier, { kind, resolveDir, pluginData: 'inner' });
      return found.errors.length > 0 ? { errors: found.errors } : { url: pathToFileURL(found.path).href };
    };
    // A package, imported by its absolute path.
    b.onResolve({ filter: /^[^./]/ }, async (args) => {
      if (args.pluginData === 'inner' || isBuiltin(args.path)) return undefined;
      const found = await fileUrl(args.path, args.kind, args.resolveDir);
      return found.errors ? found : { path: found.url, external: true };
    });
    b.onLoad({ filter: /\.ts$/ }, async (args) => {
      let text = await readFile(args.path, 'utf8');
      const specifiers = [...text.matchAll(/import\.meta\.resolve\((['"])([^'"]+)\1\)/g)];
      for (const [call, , specifier] of specifiers) {
        const found = await fileUrl(specifier, 'import-statement', dirname(args.path));
        if (found.errors) return found;
        text = text.replace(call, JSON.stringify(found.url));
      }
      return { contents: text.replaceAll('import.meta.url', JSON.stringify(pathToFileURL(args.path).href)), loader: 'ts' };
    });
  },
};

let prepared = false;
try {
  const result = await build({
    entryPoints: [entry], bundle: true, platform: 'node', format: 'esm', target: 'node20', mainFields: ['main'], conditions: ['node'], write: false, outfile: out,
    // Stack traces name the TypeScript files and lines (the map holds no copy of the sources).
    sourcemap: 'linked', sourcesContent: false, logLevel: 'silent', plugins: [ownModules],
  });
  mkdirSync(folder, { recursive: true });
  // Several processes may start at once (the cluster's); each writes whole files under names of
  // its own and renames them into place.
  for (const file of result.outputFiles) {
    const partial = `${file.path}.${process.pid}`;
    writeFileSync(partial, file.contents);
    renameSync(partial, file.path);
  }
  prepared = true;
} catch (error) {
  const messages = error.errors?.map((e) => `${e.location ? `${relative(root, e.location.file)}:${e.location.line}: ` : ''}${e.text}`) ?? [error.message];
  console.error(`No se pudo preparar ${relative(root, entry)} para ejecutarlo en ${folder}:\n  ${messages.join('\n  ')}`);
  process.exitCode = 1;
} finally {
  // esbuild's service process is not needed once the bundle is written.
  await stop();
}

if (prepared) {
  process.setSourceMapsEnabled(true);
  await import(pathToFileURL(out).href);
}
