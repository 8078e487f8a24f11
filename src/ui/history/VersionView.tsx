import { useLayoutEffect, useRef } from 'react'
import { Compartment, EditorState, type Extension } from '@codemirror/state'
import { Decoration, EditorView, lineNumbers } from '@codemirror/view'
import { unifiedMergeView } from '@codemirror/merge'
import { editorTheme, type ColorScheme } from '../../editor/editorTheme'
import { languageInfo } from '../../editor/languages'

/** Background colors for authors' text, readable under light and dark text alike. */
export const AUTHOR_COLORS: readonly string[] = [
  'rgb(59 130 246 / 0.22)',
  'rgb(234 88 12 / 0.22)',
  'rgb(22 163 74 / 0.22)',
  'rgb(168 85 247 / 0.22)',
  'rgb(219 39 119 / 0.22)',
  'rgb(202 138 4 / 0.25)',
]

/** A stretch of the version's text to mark with its author. */
export interface AuthorMark {
  readonly from: number
  readonly to: number
  readonly name: string
  readonly color: string
}

function authorDecorations(marks: readonly AuthorMark[], length: number): Extension {
  const ranges = marks
    .filter(({ from, to }) => from < to && to <= length)
    .map(({ from, to, name, color }) => Decoration.mark({ attributes: { title: name, style: `background-color: ${color}` } }).range(from, to))
  return ranges.length === 0 ? [] : EditorView.decorations.of(Decoration.set(ranges))
}

interface Props {
  /** The text of the version shown. */
  readonly text: string
  /** The text now, to highlight what changed since. */
  readonly now: string
  /** Who wrote which part, to mark; none: no marks. */
  readonly authors: readonly AuthorMark[]
  readonly language: string
  readonly colorScheme: ColorScheme
  readonly lineWrapping: boolean
}

function viewState(props: Props, language: Compartment): EditorState {
  const extensions: Extension[] = [
    lineNumbers(),
    EditorState.readOnly.of(true),
    EditorView.editable.of(false),
    EditorView.contentAttributes.of({ 'aria-label': 'Text of this version', tabindex: '0' }),
    props.lineWrapping ? EditorView.lineWrapping : [],
    editorTheme(props.colorScheme),
    language.of([]),
    authorDecorations(props.authors, props.text.length),
    // The version is the document shown; "original" is the text now, so what changed since
    // shows as the chunks between them.
    unifiedMergeView({ original: props.now, mergeControls: false, gutter: true }),
  ]
  return EditorState.create({ doc: props.text, extensions })
}

/**
 * A version of the document, read-only, with what changed since highlighted (@codemirror/merge,
 * unified). The view is mounted once; another version replaces its state.
 *
 * Layout effects, so a chosen version's state is in the view in the task that renders the
 * choice and the next frame paints it; an effect ran only after a frame had painted the version
 * before. The mount comes first: a version's effect needs the view.
 */
export default function VersionView({ text, now, authors, language: languageId, colorScheme, lineWrapping }: Props) {
  const parent = useRef<HTMLDivElement>(null)
  const view = useRef<EditorView | null>(null)
  const language = useRef(new Compartment())

  useLayoutEffect(() => {
    if (parent.current === null) return
    const mounted = new EditorView({ parent: parent.current })
    view.current = mounted
    return () => {
      mounted.destroy()
      view.current = null
    }
  }, [])

  useLayoutEffect(() => {
    const mounted = view.current
    if (mounted === null) return
    mounted.setState(viewState({ text, now, authors, language: languageId, colorScheme, lineWrapping }, language.current))
    let current = true
    languageInfo(languageId)
      .load()
      .then(
        (support) => current && mounted.dispatch({ effects: language.current.reconfigure(support) }),
        () => {},
      )
    return () => {
      current = false
    }
  }, [text, now, authors, languageId, colorScheme, lineWrapping])

  return <div className="version-view" ref={parent} data-testid="version-view" />
}
