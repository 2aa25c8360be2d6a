using System.Text;

namespace Syncwarden.Cli.Output;

/// <summary>Plain aligned columns: readable in a terminal, in a pipe, in cron mail and in journald.</summary>
internal sealed class TextTable(params string[] headers)
{
    private readonly List<string[]> _rows = [];

    public void Add(params string[] cells) => _rows.Add(cells);

    public override string ToString()
    {
        var widths = headers.Select((h, i) => Math.Max(h.Length, _rows.Count == 0 ? 0 : _rows.Max(r => Cell(r, i).Length))).ToArray();
        var sb = new StringBuilder();
        void Line(IReadOnlyList<string> cells)
        {
            for (var i = 0; i < widths.Length; i++)
            {
                var text = i < cells.Count ? cells[i] : "";
                sb.Append(i == widths.Length - 1 ? text : text.PadRight(widths[i] + 2));
            }
            while (sb.Length > 0 && sb[^1] == ' ')
            {
                sb.Length--;
            }
            sb.Append('\n');
        }
        Line(headers);
        foreach (var row in _rows)
        {
            Line(row);
        }
        return sb.ToString().TrimEnd('\n');
    }

    private static string Cell(string[] row, int i) => i < row.Length ? row[i] : "";
}
