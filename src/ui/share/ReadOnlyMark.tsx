/** The visible mark of a read-only page, or of a comment link's page (reads and comments). */
export function ReadOnlyMark({ canComment = false }: { readonly canComment?: boolean }) {
  if (canComment) {
    return (
      <span className="read-only-mark" data-testid="read-only-mark" title="You opened a comment link: you can read and comment, not change the text. My documents › Make a copy gives you an editable copy of your own.">
        Can comment
      </span>
    )
  }
  return (
    <span className="read-only-mark" data-testid="read-only-mark" title="You opened a read-only link: you can read and follow along, not edit. My documents › Make a copy gives you an editable copy of your own.">
      Read-only
    </span>
  )
}
