import { useLocalPreference } from '../app/useLocalPreference'

/** The Markdown preview's toggle: this person's choice, remembered in this browser. */
export interface PreviewChoice {
  /** The document is Markdown, so the toggle is offered. */
  readonly available: boolean
  /** The preview is shown (available and chosen). */
  readonly shown: boolean
  readonly chosen: boolean
  readonly choose: (on: boolean) => void
}

/** Whether to offer and show the preview for a document in `language`. */
export function usePreviewChoice(language: string): PreviewChoice {
  const [chosen, choose] = useLocalPreference('meshpad/v1/preview', false)
  const available = language === 'markdown'
  return { available, shown: available && chosen, chosen, choose }
}
