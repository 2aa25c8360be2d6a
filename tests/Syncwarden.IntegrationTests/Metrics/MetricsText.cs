using System.Globalization;
using System.Text.RegularExpressions;

namespace Syncwarden.IntegrationTests.Metrics;

/// <summary>One sample line of Prometheus' text format, read back by the tests (the daemon writes it through the exporter).</summary>
public sealed record MetricSample(string Name, IReadOnlyDictionary<string, string> Labels, double Value);

/// <summary>Reads the samples of a /metrics page; enough for asserting values, not a general parser.</summary>
public static partial class MetricsText
{
    [GeneratedRegex("""^(?<name>[a-zA-Z_:][a-zA-Z0-9_:]*)(\{(?<labels>.*)\})? (?<value>\S+)""")]
    private static partial Regex SampleLine();

    [GeneratedRegex("""(?<key>[a-zA-Z_][a-zA-Z0-9_]*)="(?<value>(?:[^"\\]|\\.)*)",?""")]
    private static partial Regex Label();

    public static IReadOnlyList<MetricSample> Parse(string text) =>
        [.. from line in text.Split('\n')
            where line.Length > 0 && line[0] != '#'
            let m = SampleLine().Match(line)
            where m.Success
            select new MetricSample(
                m.Groups["name"].Value,
                Label().Matches(m.Groups["labels"].Value).ToDictionary(l => l.Groups["key"].Value, l => l.Groups["value"].Value),
                double.Parse(m.Groups["value"].Value, CultureInfo.InvariantCulture))];

    /// <summary>The value of the one sample of <paramref name="name"/> with these labels (others may be present); null if absent.</summary>
    public static double? Value(this IReadOnlyList<MetricSample> samples, string name, params (string Key, string Value)[] labels) =>
        samples.SingleOrDefault(s => s.Name == name && labels.All(l => s.Labels.GetValueOrDefault(l.Key) == l.Value))?.Value;
}
