// Opens the caption engine a server was configured with.
import type { CaptionEngine, EngineChoice } from './CaptionEngine.js';
import { PocketsphinxEngine } from './PocketsphinxEngine.js';
import { WhisperEngine } from './WhisperEngine.js';

export async function openEngine(choice: EngineChoice): Promise<CaptionEngine> {
  if (choice.kind === 'whisper') return WhisperEngine.open(choice.modelPath);
  return new PocketsphinxEngine();
}
