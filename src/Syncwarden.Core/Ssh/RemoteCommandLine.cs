namespace Syncwarden.Ssh;

/// <summary>
/// Builds the command string ssh sends to the remote host. ssh joins its remaining words with spaces
/// and the remote user's login shell parses the result, so each word is quoted for a POSIX shell:
/// inside single quotes nothing is special but the quote itself, written as <c>'\''</c>.
/// </summary>
public static class RemoteCommandLine
{
    public static string Quote(string word) => "'" + word.Replace("'", "'\\''", StringComparison.Ordinal) + "'";

    /// <summary><c>'env' 'NAME=VALUE'... 'program' 'arg'...</c>, or just the argv when there is no environment.</summary>
    public static string Build(IEnumerable<KeyValuePair<string, string>> environment, IReadOnlyList<string> argv)
    {
        ArgumentOutOfRangeException.ThrowIfZero(argv.Count);
        var assignments = environment.Select(e => e.Key + "=" + e.Value).ToList();
        IEnumerable<string> words = assignments.Count == 0 ? argv : ["env", .. assignments, .. argv];
        return string.Join(' ', words.Select(Quote));
    }

    /// <summary><c>sh -c 'SCRIPT' sh 'ARG1' 'ARG2' ...</c>: the script sees the args as $1, $2, ... untouched.</summary>
    public static string ShCommand(string script, IEnumerable<string> args) =>
        string.Join(' ', new[] { "sh", "-c", Quote(script), "sh" }.Concat(args.Select(Quote)));
}
