// What the monitoring files under deploy/ query: metric names read from PromQL with the
// Prometheus team's own grammar (@prometheus-io/lezer-promql, the parser behind Prometheus's
// web UI). What GET /metrics offers is read by prometheus-text.ts.
import { parser } from '@prometheus-io/lezer-promql'

type SyntaxNode = ReturnType<typeof parser.parse>['topNode']

/**
 * The metric names of every vector and range selector in a PromQL expression, in order of
 * appearance and without repeats. A name given as `{__name__="…"}` or as a quoted name
 * (`{"name"}`) counts too. Throws on a syntax error, and on a selector whose metric name is
 * not one fixed string (`{job="x"}`, `{__name__=~"…"}`): what it reads cannot be checked.
 */
export function metricNamesIn (expr: string): string[] {
  const tree = parser.parse(expr)
  const names: string[] = []
  const cursor = tree.cursor()
  do {
    if (cursor.type.isError) {
      throw new SyntaxError(`PromQL syntax error at ${cursor.from}: …${expr.slice(Math.max(0, cursor.from - 20), cursor.from + 20)}… in ${expr}`)
    }
    if (cursor.name === 'VectorSelector') {
      const name = selectorName(cursor.node, expr)
      if (!names.includes(name)) names.push(name)
    }
  } while (cursor.next())
  return names
}

function selectorName (selector: SyntaxNode, expr: string): string {
  const text = (node: SyntaxNode): string => expr.slice(node.from, node.to)
  const identifier = selector.getChild('Identifier')
  if (identifier !== null) return text(identifier)
  const matchers = selector.getChild('LabelMatchers')?.getChildren('UnquotedLabelMatcher') ?? []
  for (const matcher of matchers) {
    const label = matcher.getChild('LabelName')
    const op = matcher.getChild('MatchOp')?.firstChild
    const value = matcher.getChild('StringLiteral')
    if (label !== null && text(label) === '__name__' && op?.name === 'EqlSingle' && value !== null) {
      return unquote(text(value))
    }
  }
  // Prometheus 3's quoted metric names: {"my.metric", job="x"}.
  const quotedName = selector.getChild('LabelMatchers')?.getChild('QuotedLabelName')?.getChild('StringLiteral')
  if (quotedName != null) return unquote(text(quotedName))
  throw new Error(`a selector without one fixed metric name: ${text(selector)}`)
}

/** A PromQL string literal's value: "…" and '…' with Go escapes, `…` raw. */
export function unquote (literal: string): string {
  const quote = literal[0]
  const body = literal.slice(1, -1)
  if (quote === '`') return body
  const doubleQuoted = quote === '"' ? body : body.replace(/\\'/g, "'").replace(/"/g, '\\"')
  return JSON.parse(`"${doubleQuoted}"`) as string
}

/**
 * A Grafana target's expression as Prometheus would receive it: interval variables
 * ($__rate_interval, $__interval, $__range) become `5m`, and any other template variable
 * ($job, ${route}, ${route:regex}, [[job]]) becomes `.*`, which is only valid PromQL where the
 * dashboard uses variables: inside label matcher values (written with =~).
 */
export function grafanaExprToPromQL (expr: string): string {
  return expr
    .replace(/\$__(?:rate_interval|interval|range)\b|\$\{__(?:rate_interval|interval|range)\}/g, '5m')
    .replace(/\$\{[^}]+\}|\[\[[^\]]+\]\]|\$\w+/g, '.*')
}
