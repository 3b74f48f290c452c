// Module resolve hook: `obsgen` means this package's public API, wherever the importing file is.
const INDEX = new URL('../src/index.ts', import.meta.url).href;

export async function resolve(specifier, context, next) {
  if (specifier === 'obsgen') return next(INDEX, context);
  return next(specifier, context);
}
