using Syncwarden.Configuration;
using Syncwarden.Databases;

namespace Syncwarden.Tests.Databases;

public sealed class DumpCommandTests
{
    private const string Password = "p:w\\\"d secret";

    private static DatabaseDump Dump(DatabaseType type, string? name, string? host = "127.0.0.1", string? socket = null) => new()
    {
        Type = type, Name = name, Host = host, Socket = socket, Port = host is null ? null : 5000, User = "backup",
        Password = new Secret(Password), Options = ["--verbose"], FileName = DatabaseDump.DefaultFileName(type, name, PostgresDumpFormat.Custom),
    };

    [Fact]
    public void Pg_dump_gets_the_password_only_through_a_pgpass_file_and_the_database_after_the_options()
    {
        var spec = DumpCommand.Build(Dump(DatabaseType.Postgresql, "app"), "/d/.x.partial", "/state/dump-secrets/j.1");

        spec.FileName.Should().Be("pg_dump");
        spec.Arguments.Should().Equal("--no-password", "--host=127.0.0.1", "--port=5000", "--username=backup", "--file=/d/.x.partial", "--format=custom", "--verbose", "--", "app");
        spec.Environment["PGPASSFILE"].Should().Be("/state/dump-secrets/j.1");
        string.Join(' ', spec.Arguments.Concat(spec.Environment.Values.Select(v => v ?? ""))).Should().NotContain("d secret");
    }

    [Fact]
    public void Pg_dumpall_takes_a_socket_file_as_its_directory_and_port()
    {
        var spec = DumpCommand.Build(Dump(DatabaseType.Postgresql, null, host: null, socket: "/run/postgresql/.s.PGSQL.5433"), "/d/.all.partial", null);

        spec.FileName.Should().Be("pg_dumpall");
        spec.Arguments.Should().Equal("--no-password", "--host=/run/postgresql", "--port=5433", "--username=backup", "--file=/d/.all.partial", "--verbose");
        spec.Environment.Should().NotContainKey("PGPASSFILE");
    }

    [Fact]
    public void Mysqldump_reads_the_password_from_an_option_file_given_first_and_dumps_consistently()
    {
        var spec = DumpCommand.Build(Dump(DatabaseType.Mysql, null, host: null, socket: "/run/mysqld/mysqld.sock"), "/d/.all.partial", "/s/j.2");

        spec.FileName.Should().Be("mysqldump");
        spec.Arguments.Should().Equal("--defaults-extra-file=/s/j.2", "--single-transaction", "--routines", "--events", "--socket=/run/mysqld/mysqld.sock",
            "--protocol=SOCKET", "--user=backup", "--result-file=/d/.all.partial", "--verbose", "--all-databases");
        spec.Display.Should().NotContain("d secret");
    }

    [Fact]
    public void Password_files_escape_what_each_engine_treats_specially()
    {
        DumpCommand.SecretFileContent(DatabaseType.Postgresql, Password).Should().Be("*:*:*:*:p\\:w\\\\\"d secret\n");
        DumpCommand.SecretFileContent(DatabaseType.Mysql, Password).Should().Be("[client]\npassword=\"p:w\\\\\\\"d secret\"\n");
    }

    [Theory]
    [InlineData(DatabaseType.Postgresql, "app", PostgresDumpFormat.Custom, "postgresql-app.dump")]
    [InlineData(DatabaseType.Postgresql, "app", PostgresDumpFormat.Plain, "postgresql-app.sql")]
    [InlineData(DatabaseType.Postgresql, null, PostgresDumpFormat.Custom, "postgresql-all.sql")]
    [InlineData(DatabaseType.Mysql, "my shop/eu", PostgresDumpFormat.Custom, "mysql-my_shop_eu.sql")]
    public void Dump_files_are_named_after_engine_and_database(DatabaseType type, string? name, PostgresDumpFormat format, string expected) =>
        DatabaseDump.DefaultFileName(type, name, format).Should().Be(expected);
}
