interface Props {
  readonly on: boolean
  readonly onChange: (on: boolean) => void
}

/** Shows or hides the Markdown preview (a toggle button: `aria-pressed`). */
export function PreviewToggle({ on, onChange }: Props) {
  return (
    <button type="button" className="preview-toggle" aria-pressed={on} onClick={() => onChange(!on)} title="Show the rendered Markdown">
      Preview
    </button>
  )
}
