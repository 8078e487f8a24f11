/** The visible mark of a read-only page. */
export function ReadOnlyMark() {
  return (
    <span className="read-only-mark" data-testid="read-only-mark" title="You opened a read-only link: you can read and follow along, not edit. My documents › Make a copy gives you an editable copy of your own.">
      Read-only
    </span>
  )
}
