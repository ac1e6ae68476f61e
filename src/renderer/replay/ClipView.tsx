// A clip's own page: 30 seconds of a replay that play alone, with a link to the whole replay.
import { useEffect, useState } from 'react';
import type { ClipInfo } from '../../shared/replay';
import { formatClock } from '../ui/format';
import './replay.css';

interface ClipPage {
  clip: ClipInfo;
  replay: { spaceId: string; title: string; hostName: string; published: boolean };
}

export function ClipView({ clipId }: { clipId: string }) {
  const [page, setPage] = useState<ClipPage>();
  const [error, setError] = useState<string>();

  useEffect(() => {
    void (async () => {
      const response = await fetch(`/api/clips/${encodeURIComponent(clipId)}`);
      if (!response.ok) {
        const body = (await response.json().catch(() => ({}))) as { error?: { message?: string } };
        setError(body.error?.message ?? 'This clip could not be loaded.');
        return;
      }
      setPage((await response.json()) as ClipPage);
    })().catch((e: Error) => setError(e.message));
  }, [clipId]);

  return (
    <section className="card replay clip-page" data-testid="clip">
      <div className="replay-head">
        <span className="recorded-badge">CLIP</span>
        <h1 data-testid="clip-title">{page?.clip.title ?? 'Clip'}</h1>
      </div>
      {error && <p className="inline-error" data-testid="clip-error">{error}</p>}
      {page && (
        <>
          <p className="replay-meta" data-testid="clip-meta">
            {formatClock(page.clip.durationMs / 1000)} from “{page.replay.title}”, hosted by {page.replay.hostName}
            {page.clip.fromLive ? ', clipped live' : `, at ${formatClock(page.clip.startMs / 1000)}`}
          </p>
          <audio data-testid="clip-audio" controls preload="metadata" src={page.clip.audioUrl} />
          {page.replay.published && (
            <a data-testid="clip-replay-link" href={`/replay/${page.replay.spaceId}`}>
              Listen to the whole replay
            </a>
          )}
        </>
      )}
    </section>
  );
}
