using System.Xml.Linq;

namespace AsRnnGrid.Actors.Report;

/// <summary>
/// index.html: one self-contained page (tables as HTML, figures inline as SVG, no file or network reference) that
/// opens from disk and can be mailed. Written as XHTML through System.Xml.Linq, so every text is escaped and the page
/// is well-formed XML as well as HTML.
/// </summary>
public static class HtmlPage
{
    static readonly XNamespace Xhtml = "http://www.w3.org/1999/xhtml";

    const string Style = """
        body { font-family: sans-serif; margin: 2em; color: #222; }
        table { border-collapse: collapse; margin: 1em 0; }
        th, td { border: 1px solid #bbb; padding: 0.3em 0.6em; text-align: left; vertical-align: top; }
        td.num, th.num { text-align: right; font-variant-numeric: tabular-nums; }
        th { background: #eee; }
        p.source, p.note { color: #555; font-size: 0.9em; }
        figure { margin: 1em 0; }
        """;

    public static string Write(IReadOnlyList<ExperimentSummary> experiments, IReadOnlyDictionary<string, string> svgByExperiment,
        string results, DateTimeOffset generated, IReadOnlyList<string> notes)
    {
        var body = new XElement(Xhtml + "body",
            new XElement(Xhtml + "h1", "Sweep report"),
            new XElement(Xhtml + "p", $"Results folder {results}, report of {generated:yyyy-MM-dd HH:mm} UTC. " +
                "Values are the mean ± sample standard deviation over the completed seeds (n); failed and unfinished runs are not in them."));
        int figure = 0;
        foreach (var e in experiments)
        {
            body.Add(new XElement(Xhtml + "h2", e.Heading));
            body.Add(Table(e));
            foreach (var source in e.Rows.Select(r => r.Published?.Section).OfType<string>().Distinct())
                body.Add(new XElement(Xhtml + "p", new XAttribute("class", "source"), $"Published: {source} (AsRnnGrid docs/models.md)."));
            if (e.Rungs is { } rungs)
            {
                body.Add(new XElement(Xhtml + "p", SummaryMarkdown.RungHeading(rungs)));
                body.Add(Table(SummaryMarkdown.RungColumns(rungs), rungs.Configurations));
            }
            if (svgByExperiment.TryGetValue(e.Name, out var svg))
                body.Add(new XElement(Xhtml + "figure", InlineSvg(svg, $"f{figure++}-")));
        }
        if (notes.Count > 0)
        {
            body.Add(new XElement(Xhtml + "h2", "Notes"));
            body.Add(new XElement(Xhtml + "ul", notes.Select(n => new XElement(Xhtml + "li", new XAttribute("class", "note"), n))));
        }
        var html = new XElement(Xhtml + "html", new XAttribute(XNamespace.Xml + "lang", "en"), new XAttribute("lang", "en"),
            new XElement(Xhtml + "head",
                new XElement(Xhtml + "meta", new XAttribute("charset", "utf-8")),
                new XElement(Xhtml + "title", "Sweep report"),
                new XElement(Xhtml + "style", Style)),
            body);
        return "<!DOCTYPE html>\n" + html.ToString(SaveOptions.None) + "\n";
    }

    static XElement Table(ExperimentSummary e) => Table(SummaryMarkdown.Columns(e), e.Rows);

    static XElement Table<TRow>(IReadOnlyList<(string Title, bool Numeric, Func<TRow, string> Cell)> columns, IEnumerable<TRow> rows) =>
        new(Xhtml + "table",
            new XElement(Xhtml + "thead", new XElement(Xhtml + "tr",
                columns.Select(c => new XElement(Xhtml + "th", c.Numeric ? new XAttribute("class", "num") : null, c.Title)))),
            new XElement(Xhtml + "tbody", rows.Select(row => new XElement(Xhtml + "tr",
                columns.Select(c => new XElement(Xhtml + "td", c.Numeric ? new XAttribute("class", "num") : null, c.Cell(row)))))));

    /// <summary>
    /// The plot's SVG as an element of the page. Its ids (clip paths) are prefixed so that figures on one page do not
    /// share them; the width and height stay, the viewBox lets the browser scale it.
    /// </summary>
    static XElement InlineSvg(string svgXml, string idPrefix)
    {
        var svg = XElement.Parse(svgXml);
        foreach (var element in svg.DescendantsAndSelf())
        {
            foreach (var attribute in element.Attributes().ToList())
            {
                if (attribute.Name.LocalName == "id") attribute.Value = idPrefix + attribute.Value;
                else if (attribute.Value.Contains("url(#", StringComparison.Ordinal)) attribute.Value = attribute.Value.Replace("url(#", "url(#" + idPrefix);
                else if (attribute.Name.LocalName == "href" && attribute.Value.StartsWith('#')) attribute.Value = "#" + idPrefix + attribute.Value[1..];
            }
        }
        if (svg.Attribute("viewBox") is null && svg.Attribute("width") is { } w && svg.Attribute("height") is { } h)
            svg.SetAttributeValue("viewBox", $"0 0 {w.Value} {h.Value}");
        return svg;
    }
}
