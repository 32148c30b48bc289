using System.Globalization;
using System.Net;
using System.Text;

namespace ChatStreams.Bench.Load;

/// <summary>
/// An SVG of latency over time: one panel per scenario, p99 (solid) and p50 (dashed) of each second's arrivals, one
/// colour per system; a rising run's steps follow one another. The y axis is logarithmic: the systems differ by orders of magnitude.
/// </summary>
public static class LatencyPlot
{
    private const int PanelWidth = 560, PanelHeight = 220, Left = 60, Top = 30, Right = 20, Bottom = 36, Columns = 2;
    private static readonly string[] Colours = ["#1f6feb", "#d1242f", "#1a7f37", "#9a6700"];
    private static readonly CultureInfo Numbers = CultureInfo.InvariantCulture;

    public static string Render(LoadBenchResult result)
    {
        var scenarios = result.Systems.SelectMany(s => s.Scenarios.Select(r => r.Scenario.Name)).Distinct().ToList();
        var rows = (scenarios.Count + Columns - 1) / Columns;
        var width = Columns * PanelWidth;
        var height = rows * PanelHeight + 40;
        var svg = new StringBuilder();
        svg.AppendLine(F($"<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"{width}\" height=\"{height}\" viewBox=\"0 0 {width} {height}\" font-family=\"sans-serif\" font-size=\"11\">"));
        svg.AppendLine(F($"<rect width=\"{width}\" height=\"{height}\" fill=\"white\"/>"));
        for (var i = 0; i < result.Systems.Count; i++)
            svg.AppendLine(F($"<line x1=\"{20 + i * 200}\" y1=\"16\" x2=\"{44 + i * 200}\" y2=\"16\" stroke=\"{Colours[i % Colours.Length]}\" stroke-width=\"2\"/><text x=\"{50 + i * 200}\" y=\"20\">{Escape(result.Systems[i].System)}</text>"));
        svg.AppendLine(F($"<text x=\"{20 + result.Systems.Count * 200}\" y=\"20\">solid: p99, dashed: p50 of each second (ms, log scale)</text>"));
        for (var p = 0; p < scenarios.Count; p++)
            Panel(svg, result, scenarios[p], p % Columns * PanelWidth, 40 + p / Columns * PanelHeight);
        svg.AppendLine("</svg>");
        return svg.ToString();
    }

    private static void Panel(StringBuilder svg, LoadBenchResult result, string scenario, int x0, int y0)
    {
        var series = result.Systems.Select(s => Points(s.Scenarios.FirstOrDefault(r => r.Scenario.Name == scenario))).ToList();
        var all = series.SelectMany(s => s).ToList();
        var seconds = Math.Max(1, all.Select(p => p.Second).DefaultIfEmpty(0).Max() + 1);
        var top = Math.Pow(10, Math.Ceiling(Math.Log10(Math.Max(10, all.Select(p => p.P99Ms).DefaultIfEmpty(10).Max()))));
        const double bottom = 1;
        var plotW = PanelWidth - Left - Right;
        var plotH = PanelHeight - Top - Bottom;
        double X(double s) => x0 + Left + s / seconds * plotW;
        double Y(double ms) => y0 + Top + plotH - (Math.Log10(Math.Max(bottom, ms)) - Math.Log10(bottom)) / (Math.Log10(top) - Math.Log10(bottom)) * plotH;

        svg.AppendLine(F($"<text x=\"{x0 + Left}\" y=\"{y0 + 18}\" font-weight=\"bold\">{Escape(scenario)}</text>"));
        svg.AppendLine(F($"<rect x=\"{x0 + Left}\" y=\"{y0 + Top}\" width=\"{plotW}\" height=\"{plotH}\" fill=\"none\" stroke=\"#888\"/>"));
        for (var ms = bottom; ms <= top; ms *= 10)
            svg.AppendLine(F($"<line x1=\"{x0 + Left}\" y1=\"{Y(ms):0.#}\" x2=\"{x0 + Left + plotW}\" y2=\"{Y(ms):0.#}\" stroke=\"#ddd\"/><text x=\"{x0 + Left - 6}\" y=\"{Y(ms) + 4:0.#}\" text-anchor=\"end\">{ms:0}</text>"));
        var tick = seconds <= 30 ? 5 : seconds <= 120 ? 20 : 60;
        for (var s = 0; s <= seconds; s += tick)
            svg.AppendLine(F($"<text x=\"{X(s):0.#}\" y=\"{y0 + Top + plotH + 14}\" text-anchor=\"middle\">{s}</text>"));
        svg.AppendLine(F($"<text x=\"{x0 + Left + plotW / 2}\" y=\"{y0 + PanelHeight - 6}\" text-anchor=\"middle\">seconds of traffic</text>"));
        for (var i = 0; i < series.Count; i++)
        {
            var points = series[i].Where(p => p.Samples > 0).ToList();
            if (points.Count == 0) continue;
            var colour = Colours[i % Colours.Length];
            svg.AppendLine(F($"<polyline fill=\"none\" stroke=\"{colour}\" stroke-width=\"1.5\" points=\"{string.Join(' ', points.Select(p => F($"{X(p.Second + 0.5):0.#},{Y(p.P99Ms):0.#}")))}\"/>"));
            svg.AppendLine(F($"<polyline fill=\"none\" stroke=\"{colour}\" stroke-width=\"1\" stroke-dasharray=\"4 3\" points=\"{string.Join(' ', points.Select(p => F($"{X(p.Second + 0.5):0.#},{Y(p.P50Ms):0.#}")))}\"/>"));
        }
    }

    /// <summary>A scenario's per-second points, a rising run's steps one after the other.</summary>
    public static IReadOnlyList<LatencyPoint> Points(LoadScenarioResult? result)
    {
        if (result is null) return [];
        var points = new List<LatencyPoint>();
        var offset = 0;
        foreach (var phase in result.Phases)
        {
            points.AddRange(phase.OverTime.Select(p => p with { Second = p.Second + offset }));
            offset += Math.Max(phase.OverTime.Count, 1);
        }
        return points;
    }

    private static string Escape(string text) => WebUtility.HtmlEncode(text);

    private static string F(FormattableString text) => text.ToString(Numbers);

    /// <summary>Concatenated interpolations arrive as strings; the build runs with invariant globalization, so they are invariant too.</summary>
    private static string F(string text) => text;
}
