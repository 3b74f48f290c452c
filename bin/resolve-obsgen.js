// Module resolve hook: `obsgen` means the copy of obsgen the command runs (dist/ or src/),
// wherever the importing file is.
import { pathToFileURL } from 'node:url';

let index;

export function initialize(data) {
  index = pathToFileURL(data.index).href;
}

export async function resolve(specifier, context, next) {
  if (specifier === 'obsgen') return next(index, context);
  return next(specifier, context);
}
