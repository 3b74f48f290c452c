export function grafanaToTypeScript(inputs: { file: string; text: string }[]): { code: string; errors: string[] } {
  return { code: '', errors: [`${inputs[0]!.file}: not implemented`] };
}
