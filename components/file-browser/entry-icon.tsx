/** A small folder or file glyph (inline SVG: emoji fonts are not everywhere). */
export function EntryIcon({ kind }: { kind: 'file' | 'folder' }) {
  return (
    <svg aria-hidden="true" viewBox="0 0 20 20" className={`h-4 w-4 shrink-0 ${kind === 'folder' ? 'fill-amber-400' : 'fill-slate-400'}`}>
      {kind === 'folder' ? (
        <path d="M2 5.5A1.5 1.5 0 0 1 3.5 4h4l2 2h7A1.5 1.5 0 0 1 18 7.5v7a1.5 1.5 0 0 1-1.5 1.5h-13A1.5 1.5 0 0 1 2 14.5v-9Z" />
      ) : (
        <path d="M5 2.5A1.5 1.5 0 0 1 6.5 1h5L16 5.5v11a1.5 1.5 0 0 1-1.5 1.5h-8A1.5 1.5 0 0 1 5 16.5v-14Zm6-.5v4h4l-4-4Z" />
      )}
    </svg>
  );
}
