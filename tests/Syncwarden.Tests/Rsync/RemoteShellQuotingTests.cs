using Syncwarden.Ssh;

namespace Syncwarden.Tests.Rsync;

public sealed class RemoteShellQuotingTests
{
    [Theory]
    [InlineData("plain", "'plain'")]
    [InlineData("with space", "'with space'")]
    [InlineData("it's", "'it''s'")]
    [InlineData("say \"hi\"", "'say \"hi\"'")]
    [InlineData("$(touch x)", "'$(touch x)'")]
    [InlineData("", "''")]
    public void Each_word_is_single_quoted_with_doubled_inner_quotes(string word, string expected) =>
        SshCommand.ForRsyncRemoteShell([word]).Should().Be(expected);

    [Fact]
    public void Words_are_joined_by_single_spaces() =>
        SshCommand.ForRsyncRemoteShell(["ssh", "-p", "22"]).Should().Be("'ssh' '-p' '22'");

    /// <summary>The inverse of rsync's own -e splitting (main.c do_cmd), to show the quoting round-trips.</summary>
    internal static List<string> SplitLikeRsync(string command)
    {
        var args = new List<string>();
        var i = 0;
        while (i < command.Length)
        {
            if (command[i] == ' ')
            {
                i++;
                continue;
            }
            var word = new System.Text.StringBuilder();
            char quote = '\0';
            while (i < command.Length && (command[i] != ' ' || quote != '\0'))
            {
                var c = command[i];
                if (c is '\'' or '"')
                {
                    if (quote == '\0')
                    {
                        quote = c;
                        i++;
                        continue;
                    }
                    if (c == quote)
                    {
                        i++;
                        if (i >= command.Length || command[i] != quote)
                        {
                            quote = '\0';
                            continue;
                        }
                    }
                }
                word.Append(command[i]);
                i++;
            }
            args.Add(word.ToString());
        }
        return args;
    }

    [Fact]
    public void Quoted_words_split_back_to_the_original_argv()
    {
        string[] argv = ["ssh", "-i", "/keys/it's a \"key\"", "-o", "UserKnownHostsFile=/tmp/a b", "x''y"];
        SplitLikeRsync(SshCommand.ForRsyncRemoteShell(argv)).Should().Equal(argv);
    }
}
