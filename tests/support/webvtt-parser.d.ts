// webvtt-parser ships no types; the tests use its parser as an independent reader of our files.
declare module 'webvtt-parser' {
  export class WebVTTParser {
    // The parse tree is untyped upstream; tests read the fields they check.
    // eslint-disable-next-line @typescript-eslint/no-explicit-any -- the library's tree has no types
    parse(input: string, mode?: 'metadata' | 'chapters'): { cues: any[]; errors: unknown[] };
  }
}
