using System.CommandLine;
using Syncwarden.Configuration;

namespace Syncwarden.Cli;

internal static class CliContext
{
    /// <summary>Loads and validates the configuration, or throws a UserError listing every problem.</summary>
    public static SyncwardenConfig LoadConfig(ParseResult parse)
    {
        var path = ConfigLoader.ResolvePath(parse.GetValue(CliApp.ConfigOption));
        var result = ConfigLoader.Load(path);
        if (result.IsValid)
        {
            return result.Config!;
        }
        throw new UserError(
            $"{result.Errors.Count} error(s) in configuration {path}:\n" + string.Join('\n', result.Errors.Select(e => "  " + e)) + "\nRun 'syncwarden check' after fixing them.");
    }
}
