using System.CommandLine;
using System.CommandLine.Help;
using System.CommandLine.Invocation;
using System.Text;

namespace Syncwarden.Cli;

/// <summary>
/// System.CommandLine's help with its Commands section corrected: that section names every argument as if it were
/// required ("run &lt;job&gt;"). Here a subcommand's arguments read as in its own usage line: optional ones in
/// brackets, repeatable ones with "..." ("run [&lt;job&gt;...]", "history [&lt;job&gt;]", "plan &lt;job&gt;").
/// The help builder that would allow this is internal to System.CommandLine, so the standard text is rewritten.
/// </summary>
internal sealed class CliHelpAction(HelpAction standard) : SynchronousCommandLineAction
{
    private const string Indent = "  ";

    /// <summary>The widest label that still shares its line with the description.</summary>
    private const int LabelColumn = 24;

    public override bool ClearsParseErrors => true;

    public override int Invoke(ParseResult parseResult)
    {
        var configuration = parseResult.InvocationConfiguration;
        var output = configuration.Output;
        using var text = new StringWriter();
        configuration.Output = text;
        try
        {
            standard.Invoke(parseResult);
        }
        finally
        {
            configuration.Output = output;
        }
        output.Write(WithCommandUsage(text.ToString(), parseResult.CommandResult.Command, standard.MaxWidth));
        return 0;
    }

    /// <summary><paramref name="help"/> with its "Commands:" section written again from <paramref name="command"/>'s subcommands.</summary>
    public static string WithCommandUsage(string help, Command command, int maxWidth)
    {
        var lines = help.Split('\n').ToList();
        var heading = lines.FindIndex(l => l.TrimEnd('\r') == "Commands:");
        var rows = command.Subcommands.Where(c => !c.Hidden).Select(c => (Label: Label(c), Text: c.Description ?? "")).ToList();
        if (heading < 0 || rows.Count == 0)
        {
            return help;
        }
        var end = lines.FindIndex(heading + 1, l => l.TrimEnd('\r').Length == 0);
        end = end < 0 ? lines.Count : end;
        // A label too long for the column ("restore <job> <snapshot> [<path>]") gets a line of its own, so one
        // long command does not push every description to the right.
        var width = rows.Select(r => r.Label.Length).Where(l => l <= LabelColumn).DefaultIfEmpty(LabelColumn).Max();
        // Wrap descriptions to the terminal, as the standard help does; in a pipe (unlimited width) never.
        var textWidth = Math.Max(20, maxWidth - width - 2 * Indent.Length);
        var section = rows.SelectMany(r =>
        {
            var own = r.Label.Length > width;
            var text = Wrap(r.Text, textWidth).Select((part, i) => (Indent + (i == 0 && !own ? r.Label : "").PadRight(width) + Indent + part).TrimEnd());
            return own ? text.Prepend(Indent + r.Label) : text;
        });
        lines.RemoveRange(heading + 1, end - heading - 1);
        lines.InsertRange(heading + 1, section);
        return string.Join('\n', lines);
    }

    /// <summary>"run [&lt;job&gt;...]": the name (and aliases), then each argument as the command's usage line shows it.</summary>
    public static string Label(Command command)
    {
        var label = new StringBuilder(string.Join(", ", command.Aliases.Prepend(command.Name)));
        var closing = 0;
        foreach (var argument in command.Arguments.Where(a => !a.Hidden))
        {
            label.Append(' ');
            if (argument.Arity.MinimumNumberOfValues == 0)
            {
                // Like the usage line: an optional argument's bracket also holds the arguments after it.
                label.Append('[');
                closing++;
            }
            label.Append('<').Append(argument.Name).Append('>').Append(argument.Arity.MaximumNumberOfValues > 1 ? "..." : "");
        }
        return label.Append(']', closing).ToString();
    }

    private static IEnumerable<string> Wrap(string text, int width)
    {
        var line = new StringBuilder();
        foreach (var word in text.Split(' ', StringSplitOptions.RemoveEmptyEntries))
        {
            if (line.Length > 0 && line.Length + 1 + word.Length > width)
            {
                yield return line.ToString();
                line.Clear();
            }
            line.Append(line.Length > 0 ? " " : "").Append(word);
        }
        yield return line.ToString();
    }
}
