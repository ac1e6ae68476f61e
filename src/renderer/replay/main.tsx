import { createRoot } from 'react-dom/client';
import '../ui/theme.css';
import { ClipView } from './ClipView';
import { ReplayView } from './ReplayView';

// /replay/<spaceId> or /clip/<clipId>.
const [kind, id = ''] = window.location.pathname.split('/').filter(Boolean);

createRoot(document.getElementById('root')!).render(
  <div className="app listener">
    <header className="topbar">
      <span className="brand">Hostline</span>
    </header>
    <main className="listener-main replay-main">{kind === 'clip' ? <ClipView clipId={id} /> : <ReplayView spaceId={id} />}</main>
  </div>,
);
