using System.CommandLine;
using Syncwarden.Cli;

namespace Syncwarden.Tests.Cli;

public sealed class HelpTextTests
{
    private static string Help(params string[] args)
    {
        using var output = new StringWriter();
        CliApp.CreateRoot().Parse(args).Invoke(new InvocationConfiguration { Output = output });
        return output.ToString();
    }

    [Fact]
    public void Top_level_help_shows_optional_job_arguments_as_optional()
    {
        // Act
        var commands = Help("--help").Split('\n').SkipWhile(l => l != "Commands:").ToList();

        // Assert
        commands.Should().Contain(l => l.StartsWith("  run [<job>...]  ", StringComparison.Ordinal), "run takes any number of jobs, none meaning all");
        commands.Should().Contain(l => l.StartsWith("  history [<job>]  ", StringComparison.Ordinal));
        commands.Should().Contain(l => l.StartsWith("  plan <job>  ", StringComparison.Ordinal), "plan needs its job");
        commands.Should().Contain(l => l.StartsWith("  status  ", StringComparison.Ordinal));
        commands.Should().NotContain(l => l.Contains("run <job>", StringComparison.Ordinal) || l.Contains("history <job>", StringComparison.Ordinal));
    }

    [Fact]
    public void Subcommand_help_keeps_its_own_usage_line()
    {
        // Act
        var run = Help("run", "--help");
        var lockHelp = Help("lock", "--help");

        // Assert
        run.Should().Contain(" run [<job>...] [options]");
        lockHelp.Should().Contain("  acquire <name>  Wait until no running job blocks on or holds NAME");
    }

    [Fact]
    public void Descriptions_wrap_to_a_narrow_terminal_beside_their_labels()
    {
        // Arrange
        var root = CliApp.CreateRoot();
        var help = "Commands:\n  run <job>  Replicate now\n\nafter\n";

        // Act
        var wrapped = CliHelpAction.WithCommandUsage(help, root, maxWidth: 50).Split('\n');

        // Assert
        wrapped.Should().OnlyContain(l => l.Length <= 50);
        wrapped.Should().ContainInOrder("  run [<job>...]   Replicate now: run the given", "                   jobs (or all) once. Exit 0 all");
        wrapped[^2..].Should().Equal("after", "");
    }

    [Fact]
    public void A_label_too_long_for_the_column_gets_a_line_of_its_own()
    {
        // Act
        var commands = Help("--help").Split('\n').SkipWhile(l => l != "Commands:").ToList();

        // Assert: restore's label stands alone, its description starts in the column the others share.
        var restore = commands.FindIndex(l => l.TrimEnd() == "  restore <job> <snapshot> [<path>]");
        restore.Should().BePositive();
        var column = commands.Single(l => l.StartsWith("  status ", StringComparison.Ordinal)).IndexOf("Show", StringComparison.Ordinal);
        commands[restore + 1].IndexOf("Copy a file", StringComparison.Ordinal).Should().Be(column);
    }
}
