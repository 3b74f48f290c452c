export function alertmanagerToTypeScript(_text: string, file: string): { code: string; errors: string[] } {
  return { code: '', errors: [`${file}: not implemented`] };
}
