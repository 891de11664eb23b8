'use client';

import { forwardRef, useId, useMemo, useState } from 'react';
import { classifyRecipient } from '@/lib/validation/sharing';
import type { ShareSuggestions } from '@/lib/sharing';

export type Chip = { value: string; problem?: string; kind: 'email' | 'team' | 'invalid' };

type Props = {
  chips: Chip[];
  text: string;
  onChange: (chips: Chip[], text: string) => void;
  suggestions: ShareSuggestions;
  error?: string;
};

const SEPARATORS = /[,;\n\r]+/;

/** Turns typed text into chips (read as the server would: commas, semicolons, new lines; spaces between addresses). */
export function toChips(raw: string, teams: string[]): Chip[] {
  const out: Chip[] = [];
  for (const part of raw.split(SEPARATORS)) {
    const entry = part.trim().replace(/\s+/g, ' ');
    if (!entry) continue;
    for (const e of entry.includes('@') ? entry.split(' ') : [entry]) {
      const value = e.includes('@') ? e.toLowerCase() : e;
      out.push({ value, ...classifyRecipient(value, teams) });
    }
  }
  return out;
}

function addChips(chips: Chip[], more: Chip[]): Chip[] {
  const seen = new Set(chips.map((c) => c.value.toLowerCase()));
  const out = [...chips];
  for (const c of more) {
    if (seen.has(c.value.toLowerCase())) continue;
    seen.add(c.value.toLowerCase());
    out.push(c);
  }
  return out;
}

type Option = { id: string; value: string; label: string; detail: string };

/**
 * The share dialog's Recipients: each entry becomes a chip as soon as it is complete (a comma, a new
 * line, Enter, a space after an address, or leaving the field), checked at once — an email address, or
 * one of the user's teams — and suggestions (the user's teams, people they share with, their teams'
 * members) in a listbox driven from the textbox (arrow keys, Enter; `aria-activedescendant`). The field
 * stays a textbox named "Recipients", so typing or pasting a whole list works as before.
 */
export const RecipientsInput = forwardRef<HTMLInputElement, Props>(function RecipientsInput({ chips, text, onChange, suggestions, error }, ref) {
  const inputId = useId();
  const listId = useId();
  const hintId = useId();
  const errorId = useId();
  const [active, setActive] = useState(0);
  const [open, setOpen] = useState(false);

  const options = useMemo<Option[]>(() => {
    const q = text.trim().toLowerCase();
    if (!q) return [];
    const chosen = new Set(chips.map((c) => c.value.toLowerCase()));
    const teams = suggestions.teams
      .filter((t) => t.toLowerCase().includes(q) && !chosen.has(t.toLowerCase()))
      .map((t, i) => ({ id: `${listId}-t${i}`, value: t, label: t, detail: 'your team' }));
    const people = suggestions.people
      .filter((p) => (p.email.includes(q) || p.name.toLowerCase().includes(q)) && !chosen.has(p.email))
      .map((p, i) => ({ id: `${listId}-p${i}`, value: p.email, label: p.name, detail: p.email }));
    return [...teams, ...people].slice(0, 8);
  }, [text, chips, suggestions, listId]);
  const showList = open && options.length > 0;
  const current = showList ? options[Math.min(active, options.length - 1)] : undefined;

  const commit = (raw: string, rest = '') => {
    onChange(addChips(chips, toChips(raw, suggestions.teams)), rest);
    setActive(0);
  };
  const choose = (o: Option) => {
    onChange(addChips(chips, [{ value: o.value, ...classifyRecipient(o.value, suggestions.teams) }]), '');
    setActive(0);
  };

  const invalid = chips.filter((c) => c.problem);
  const describedBy = [hintId, error ? errorId : null].filter(Boolean).join(' ');

  return (
    // The suggestions overlay what follows (absolute): showing and hiding them never moves the buttons below.
    <div className="relative">
      <label htmlFor={inputId} className="block text-sm font-medium text-slate-700">Recipients</label>
      <div className={`mt-1 flex flex-wrap items-center gap-1 rounded-md border bg-white px-2 py-1.5 focus-within:ring-2 focus-within:ring-indigo-500 ${error || invalid.length ? 'border-red-600' : 'border-slate-300'}`}>
        {chips.length > 0 && (
          <ul aria-label="Recipients added" className="contents">
            {chips.map((c) => (
              <li
                key={c.value}
                className={`flex max-w-full items-center gap-1 rounded-full border px-2 py-0.5 text-sm ${c.problem ? 'border-red-300 bg-red-50 text-red-800' : 'border-slate-200 bg-slate-100 text-slate-800'}`}
              >
                <span className="break-all">
                  {c.kind === 'team' && <span className="text-slate-600">Team </span>}
                  {c.value}
                  {c.problem && <span className="sr-only"> ({c.problem})</span>}
                </span>
                {c.problem && <span aria-hidden className="font-bold">!</span>}
                <button
                  type="button"
                  className="rounded-full px-1 text-slate-600 hover:bg-slate-200"
                  aria-label={`Remove recipient ${c.value}`}
                  onClick={() => onChange(chips.filter((x) => x.value !== c.value), text)}
                >
                  ✕
                </button>
              </li>
            ))}
          </ul>
        )}
        <input
          ref={ref}
          id={inputId}
          type="text"
          autoComplete="off"
          spellCheck={false}
          value={text}
          aria-autocomplete="list"
          aria-controls={showList ? listId : undefined}
          aria-activedescendant={current?.id}
          aria-describedby={describedBy}
          aria-invalid={error || invalid.length ? true : undefined}
          className="min-w-[12rem] flex-1 border-0 bg-transparent px-1 py-1 text-sm outline-none focus:outline-none focus-visible:outline-none"
          onChange={(e) => {
            const v = e.target.value;
            setOpen(true);
            if (SEPARATORS.test(v)) {
              const parts = v.split(SEPARATORS);
              const rest = parts.pop() ?? '';
              commit(parts.join('\n'), rest.trimStart());
            } else if (/@\S*\s/.test(v)) {
              // An address followed by a space is complete.
              const cut = v.lastIndexOf(' ');
              commit(v.slice(0, cut), v.slice(cut + 1));
            } else {
              onChange(chips, v);
              setActive(0);
            }
          }}
          onFocus={() => setOpen(true)}
          onBlur={() => {
            setOpen(false);
            if (text.trim()) commit(text);
          }}
          onKeyDown={(e) => {
            if (e.key === 'ArrowDown' && options.length) {
              e.preventDefault();
              setOpen(true);
              setActive((a) => (a + 1) % options.length);
            } else if (e.key === 'ArrowUp' && options.length) {
              e.preventDefault();
              setActive((a) => (a - 1 + options.length) % options.length);
            } else if (e.key === 'Enter' && (current || text.trim())) {
              e.preventDefault();
              if (current) choose(current);
              else commit(text);
            } else if (e.key === 'Escape' && showList) {
              e.preventDefault();
              e.stopPropagation();
              setOpen(false);
            } else if (e.key === 'Backspace' && !text && chips.length) {
              onChange(chips.slice(0, -1), '');
            }
          }}
        />
      </div>
      {showList && (
        <ul id={listId} role="listbox" aria-label="Suggestions" className="absolute inset-x-0 z-10 mt-1 max-h-56 overflow-auto rounded-md border border-slate-200 bg-white py-1 text-sm shadow-lg">
          {options.map((o) => (
            <li
              key={o.id}
              id={o.id}
              role="option"
              aria-selected={o.id === current?.id}
              className={`cursor-pointer px-3 py-1.5 ${o.id === current?.id ? 'bg-indigo-50 text-indigo-900' : 'text-slate-800'}`}
              onMouseDown={(e) => e.preventDefault()}
              onClick={() => choose(o)}
            >
              <span className="font-medium">{o.label}</span> <span className="text-slate-600">{o.detail}</span>
            </li>
          ))}
        </ul>
      )}
      <p id={hintId} className="mt-1 text-xs text-slate-600">
        {invalid.length > 0
          ? `${invalid.length === 1 ? 'One recipient needs' : `${invalid.length} recipients need`} fixing: ${invalid.map((c) => `${c.value} (${c.problem})`).join(', ')}.`
          : 'Email addresses or names of your teams, separated by commas or new lines (up to 100).'}
      </p>
      {error && <p id={errorId} className="mt-1 text-sm text-red-700">{error}</p>}
    </div>
  );
});
