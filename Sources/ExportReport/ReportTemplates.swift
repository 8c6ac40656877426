import Mustache

/// The Mustache templates of `report.html` and `index.html` (swift-mustache escapes every
/// `{{value}}` for HTML). Self-contained: inline CSS and SVG, no script, no link, no font or
/// image to fetch; one column that fits a 390 px phone.
enum ReportTemplates {
    /// The run report.
    static func render(_ page: ReportPage) -> String { run.render(page) }

    /// The runs index.
    static func render(_ page: IndexPage) -> String { index.render(page) }

    private static let run = compile(head + runBody)
    private static let index = compile(head + indexBody)

    private static func compile(_ text: String) -> MustacheTemplate {
        do { return try MustacheTemplate(string: text) } catch {
            preconditionFailure("report template does not parse: \(error)")
        }
    }

    static let style = """
        :root{--ink:#1d2433;--muted:#5b6474;--line:#e3e6ec;--bg:#f6f7f9;--card:#fff;--good:#1a7f4b;--warn:#b35c00;--bad:#b42318}
        *{box-sizing:border-box}
        body{margin:0;background:var(--bg);color:var(--ink);font:15px/1.45 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif}
        main{max-width:980px;margin:0 auto;padding:16px}
        header h1{font-size:1.35rem;margin:0 0 4px;overflow-wrap:anywhere}
        header p{margin:0;color:var(--muted);font-size:.9rem}
        section{background:var(--card);border:1px solid var(--line);border-radius:10px;padding:14px 16px;margin:14px 0}
        h2{font-size:1.05rem;margin:0 0 10px}
        .pill{display:inline-block;padding:2px 10px;border-radius:99px;font-size:.85rem;font-weight:600;margin-top:6px}
        .good{background:#e3f5ea;color:var(--good)}.warn{background:#fff1e0;color:var(--warn)}.neutral{background:#e8ecf3;color:#2f3b52}
        .cards{display:grid;grid-template-columns:repeat(auto-fit,minmax(130px,1fr));gap:10px}
        .card{border:1px solid var(--line);border-radius:8px;padding:8px 10px}
        .card b{display:block;font-size:1.3rem}.card span{color:var(--muted);font-size:.85rem}
        svg{display:block;width:100%;height:auto}
        .legend{display:flex;flex-wrap:wrap;gap:6px 14px;margin:8px 0 0;padding:0;list-style:none;font-size:.88rem}
        .legend i{display:inline-block;width:11px;height:11px;border-radius:2px;margin-right:5px;vertical-align:-1px}
        .muted{color:var(--muted);font-size:.88rem}
        table{width:100%;border-collapse:collapse;font-size:.9rem}
        th,td{text-align:left;padding:6px 6px;border-top:1px solid var(--line);vertical-align:top;overflow-wrap:anywhere}
        th{color:var(--muted);font-weight:600;font-size:.82rem}
        td.n,th.n{text-align:right;white-space:nowrap}
        code{font:12px/1.4 ui-monospace,SFMono-Regular,Menlo,monospace;word-break:break-all}
        .ex{margin:4px 0 0;padding-left:16px;color:var(--muted);font-size:.84rem}
        .fill{background:#e8ecf3;border-radius:4px;height:10px;min-width:60px}
        .fill i{display:block;height:10px;border-radius:4px;background:#3f6fd8}
        .c-sent{fill:#2e9d5b;background:#2e9d5b}.c-dup{fill:#9aa3b2;background:#9aa3b2}.c-filt{fill:#5b8def;background:#5b8def}
        .c-forg{fill:#6b4fbb;background:#6b4fbb}.c-unch{fill:#b7dfc5;background:#b7dfc5}
        .c-rej0{fill:#d92d20;background:#d92d20}.c-rej1{fill:#f04438;background:#f04438}.c-rej2{fill:#f97066;background:#f97066}
        .c-rej3{fill:#e2711d;background:#e2711d}.c-rej4{fill:#f79009;background:#f79009}.c-rej5{fill:#fdb022;background:#fdb022}
        .c-rej6{fill:#b54708;background:#b54708}
        .col{fill:#5b8def}.acc{fill:#2e9d5b}.limit{stroke:#b42318;stroke-width:2;stroke-dasharray:8 6}
        .m-429{fill:#b42318}.m-retry{fill:#f79009}.axis{stroke:#c9ced8;stroke-width:1}
        .l-rows{stroke:#5b8def}.l-rej{stroke:#d92d20}.l-fail{stroke:#f79009}
        .d-rows{fill:#5b8def;background:#5b8def}.d-rej{fill:#d92d20;background:#d92d20}.d-fail{fill:#f79009;background:#f79009}
        polyline{fill:none;stroke-width:3}
        .scroll{overflow-x:auto}
        footer{color:var(--muted);font-size:.8rem;text-align:center;padding:8px 0 24px}
        @media (max-width:520px){main{padding:10px}section{padding:12px}.hide-s{display:none}}
        """

    static let head = """
        <!DOCTYPE html>
        <html lang="en"><head><meta charset="utf-8">
        <meta name="viewport" content="width=device-width, initial-scale=1">
        <meta name="generator" content="omnisend-export">
        <link rel="icon" href="data:,">
        <title>{{title}}</title>
        <style>
        """ + style + """
        </style></head>

        """

    static let runBody = """
        <body><main>
        <header><h1>{{pipeline}}</h1><p>run {{runName}} · report made {{generatedAt}}</p>
        <span class="pill {{statusClass}}" data-status="{{status}}">{{status}}</span></header>

        <section id="accounting"><h2>Where the rows went</h2>
        <div class="cards">{{#headline}}<div class="card"><b data-figure="{{key}}" data-value="{{value}}">{{text}}</b><span>{{label}}</span></div>{{/headline}}</div>
        <svg viewBox="0 0 1000 44" role="img" aria-label="{{identity}}" style="margin-top:14px">
        {{#bar.segments}}<rect class="{{colour}}" x="{{x}}" y="0" width="{{width}}" height="44"><title>{{label}}: {{value}}</title></rect>{{/bar.segments}}
        </svg>
        <ul class="legend">{{#legend}}<li><i class="{{colour}}"></i>{{label}} <b data-figure="{{figure.key}}" data-value="{{figure.value}}">{{figure.text}}</b></li>{{/legend}}</ul>
        <p class="muted">{{identity}}</p>
        </section>

        <section id="rejects"><h2>Why rows were rejected</h2>
        {{#hasReasons}}<table><tr><th>reason</th><th class="n">rows</th><th class="n hide-s">share</th></tr>
        {{#reasons}}<tr><td><b>{{code}}</b>
        <ul class="ex">{{#examples}}<li><code>{{location}}</code> {{detail}}{{#email}} · <code>{{.}}</code>{{/email}}</li>{{/examples}}</ul></td>
        <td class="n" data-figure="{{figure.key}}" data-value="{{figure.value}}">{{figure.text}}</td><td class="n hide-s">{{percent}}</td></tr>{{/reasons}}
        </table><p class="muted">{{moreReasons}} Each example is file:line and what failed; rejects.ndjson in the run folder lists every row.</p>{{/hasReasons}}
        {{^reasons}}<p class="muted">No row was rejected.</p>{{/reasons}}
        </section>

        <section id="warnings"><h2>Warnings by field</h2>
        {{#hasWarnings}}<table><tr>{{#warningsByField}}<th>field</th>{{/warningsByField}}<th>warning</th><th class="n">contacts</th>{{#warningsByField}}<th class="hide-s">first at</th>{{/warningsByField}}</tr>
        {{#warnings}}<tr>{{#warningsByField}}<td>{{field}}</td>{{/warningsByField}}<td>{{code}}</td><td class="n" data-figure="{{figure.key}}" data-value="{{figure.value}}">{{figure.text}}</td>{{#warningsByField}}<td class="hide-s"><code>{{firstSeen}}</code></td>{{/warningsByField}}</tr>{{/warnings}}
        </table><p class="muted">{{moreWarnings}} A warning leaves one value out of a contact; the contact is still sent.</p>{{/hasWarnings}}
        {{^warnings}}<p class="muted">No warnings.</p>{{/warnings}}
        </section>

        <section id="fill"><h2>How full each contact field is</h2>
        {{#hasFills}}<table><tr><th>field</th><th class="n">contacts</th><th class="n">filled</th><th style="width:30%" class="hide-s"></th></tr>
        {{#fills}}<tr><td><code>{{field}}</code></td><td class="n" data-figure="{{figure.key}}" data-value="{{figure.value}}">{{figure.text}}</td><td class="n">{{percent}}</td><td class="hide-s"><div class="fill"><i style="width:{{width}}%"></i></div></td></tr>{{/fills}}
        </table><p class="muted">{{moreFills}} Share of the contacts sent that carry the field.</p>{{/hasFills}}
        {{^fills}}<p class="muted">No fill rates were recorded for this run.</p>{{/fills}}
        </section>

        <section id="upload"><h2>The upload</h2>
        {{#upload}}<p><span class="pill neutral" data-figure-text="upload.outcome">{{outcome}}</span>{{#live}} <span class="muted">read from the checkpoint: the upload has not written its report</span>{{/live}}</p>
        <div class="cards">{{#figures}}<div class="card"><b data-figure="{{key}}" data-value="{{value}}">{{text}}</b><span>{{label}}</span></div>{{/figures}}</div>
        {{#hasTimeline}}<h2 style="margin-top:16px">Requests a minute</h2>
        <svg viewBox="0 0 1000 200" role="img" aria-label="requests a minute against the rate share">
        <line class="axis" x1="0" y1="200" x2="1000" y2="200"/>
        {{#requests.columns}}<rect class="col" x="{{x}}" y="{{y}}" width="{{width}}" height="{{height}}"><title>{{label}}: {{value}} requests a minute</title></rect>{{#marks}}<circle class="{{colour}}" cx="{{cx}}" cy="{{cy}}" r="4"/>{{/marks}}{{/requests.columns}}
        {{#requests.limitY}}<line class="limit" x1="0" y1="{{.}}" x2="1000" y2="{{.}}"/>{{/requests.limitY}}
        </svg>
        <ul class="legend"><li><i class="col" style="background:#5b8def"></i>requests a minute (peak {{peak}})</li><li><i style="background:#b42318"></i>limit: {{allowance}}</li><li><i style="background:#b42318;border-radius:9px"></i>429 answers</li><li><i style="background:#f79009;border-radius:9px"></i>retries</li></ul>
        <h2 style="margin-top:16px">Contacts accepted</h2>
        <svg viewBox="0 0 1000 200" role="img" aria-label="contacts accepted over time">
        <line class="axis" x1="0" y1="200" x2="1000" y2="200"/>
        {{#accepted.columns}}<rect class="acc" x="{{x}}" y="{{y}}" width="{{width}}" height="{{height}}"><title>{{label}}: {{value}} accepted</title></rect>{{/accepted.columns}}
        </svg>
        <p class="muted">From {{first}} to {{last}} UTC, one column for {{span}}; peak {{acceptedPeak}} contacts accepted in a column.</p>{{/hasTimeline}}
        {{^hasTimeline}}<p class="muted">No timeline was recorded for this upload.</p>{{/hasTimeline}}
        {{/upload}}
        {{^upload}}<p class="muted">Not uploaded yet: omnisend-export upload {{runName}}</p>{{/upload}}
        </section>

        <section id="failed"><h2>Contacts Omnisend refused</h2>
        {{#hasFailed}}<table><tr><th>status</th><th>Omnisend's answer</th><th class="n">contacts</th></tr>
        {{#failed}}<tr><td>{{status}}</td><td>{{message}}<div class="muted">{{examples}}</div></td><td class="n" data-figure="{{figure.key}}" data-value="{{figure.value}}">{{figure.text}}</td></tr>{{/failed}}
        </table><p class="muted">{{moreFailed}} failed.ndjson lists each contact; upload --retry-failed resends those that failed for transient reasons.</p>{{/hasFailed}}
        {{^failed}}<p class="muted">None.</p>{{/failed}}
        </section>

        <section id="provenance"><h2>Provenance</h2>
        <div class="scroll"><table><tr><th>input</th><th class="n">rows</th><th class="n">size</th></tr>
        {{#inputs}}<tr><td><code>{{path}}</code> <span class="muted">{{format}}</span><br><code class="muted">sha256 {{sha256}}</code></td><td class="n" data-figure="{{rows.key}}" data-value="{{rows.value}}">{{rows.text}}</td><td class="n">{{size}}</td></tr>{{/inputs}}
        </table></div><p class="muted">{{moreInputs}}</p>
        <table>{{#provenance}}<tr><th>{{label}}</th><td><code>{{value}}</code></td></tr>{{/provenance}}</table>
        <h2 style="margin-top:14px">Timings</h2>
        <table>{{#timings}}<tr><th>{{label}}</th><td>{{value}}</td></tr>{{/timings}}</table>
        </section>
        <footer>omnisend-export · this page is self-contained: it loads nothing and runs no script</footer>
        </main></body></html>

        """

    static let indexBody = """
        <body><main>
        <header><h1>{{title}}</h1><p>{{subtitle}} · page made {{generatedAt}}</p></header>
        <section id="trend"><h2>Rows, rejects and failures across runs</h2>
        {{#hasTrend}}<svg viewBox="0 0 1000 200" role="img" aria-label="rows, rejects and failures per run">
        <line class="axis" x1="0" y1="190" x2="1000" y2="190"/>
        {{#trend.lines}}<polyline class="{{colour}}" points="{{points}}"/>{{/trend.lines}}
        {{#trendDots}}<circle class="{{colour}}" cx="{{cx}}" cy="{{cy}}" r="5"><title>{{title}}</title></circle>{{/trendDots}}
        </svg>
        <ul class="legend"><li><i class="d-rows"></i>rows</li><li><i class="d-rej"></i>rejected</li><li><i class="d-fail"></i>failed at Omnisend</li><li class="muted">oldest on the left; peak {{peak}}</li></ul>{{/hasTrend}}
        {{^hasTrend}}<p class="muted">No runs yet.</p>{{/hasTrend}}
        </section>
        <section id="runs"><h2>Runs</h2>
        <table><tr><th>date</th><th class="n">rows</th><th class="n">sent</th><th class="n">rejected</th><th class="n">failed</th><th class="n hide-s">duration</th><th>outcome</th></tr>
        {{#rows}}<tr data-run="{{index}}"><td>{{date}}<div class="muted">{{pipeline}} · {{command}} · {{runDirectory}}</div></td>
        <td class="n" data-figure="run.{{index}}.rows" data-value="{{rows.value}}">{{rows.text}}</td>
        <td class="n" data-figure="run.{{index}}.sent" data-value="{{sent.value}}">{{sent.text}}</td>
        <td class="n" data-figure="run.{{index}}.rejected" data-value="{{rejected.value}}">{{rejected.text}}</td>
        <td class="n" data-figure="run.{{index}}.failed" data-value="{{failed.value}}">{{failed.text}}</td>
        <td class="n hide-s">{{duration}}</td><td><span class="pill {{outcomeClass}}">{{outcome}}</span></td></tr>{{/rows}}
        </table><p class="muted">{{more}} From history.ndjson in the runs folder; newest first.</p>
        </section>
        <footer>omnisend-export · this page is self-contained: it loads nothing and runs no script</footer>
        </main></body></html>

        """
}
