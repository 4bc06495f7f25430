// The fixed texts of the tidemark shell: the `help` and `clear` usage, the `settings` table and
// the command-line usage. They describe the same commands and flags as influx 1.x, in its layout.

import type { ShellSettings } from './shell-settings.js'
import { TabWriter } from './shell-tabwriter.js'

/** The `help` text. */
export const HELP_TEXT = `Usage:
        connect <host:port>   connects to another node specified by host:port
        auth                  prompts for username and password
        pretty                toggles pretty print for the json format
        chunked               turns on chunked responses from server
        chunk size <size>     sets the size of the chunked responses.  Set to 0 to reset to the default chunked size
        use <db_name>         sets current database
        format <format>       specifies the format of the server responses: json, csv, or column
        precision <format>    specifies the format of the timestamp: rfc3339, h, m, s, ms, u or ns
        consistency <level>   sets write consistency level: any, one, quorum, or all
        history               displays command history
        settings              outputs the current settings for the shell
        clear                 clears settings such as database or retention policy.  run 'clear' for help
        exit/quit/ctrl+d      quits the influx shell

        show databases        show database names
        show series           show series information
        show measurements     show measurement information
        show tag keys         show tag key information
        show field keys       show field key information

        A full list of influxql commands can be found at:
        https://docs.influxdata.com/influxdb/latest/query_language/spec/
`

/** The `clear` usage text. */
export const CLEAR_HELP_TEXT = `Possible commands for 'clear' are:
    # Clear the database context
    clear database
    clear db

    # Clear the retention policy context
    clear retention policy
    clear rp
\t\t
`

/** The `settings` table, laid out as influx lays it out. */
export function settingsText(s: ShellSettings): string {
  const parts: string[] = []
  const w = new TabWriter((t) => parts.push(t), 0, 1)
  w.write('Setting\tValue\n')
  w.write('--------\t--------\n')
  if (s.port > 0) w.write(`Host\t${s.host}:${s.port}\n`)
  else w.write(`Host\t${s.host}\n`)
  w.write(`Username\t${s.username}\n`)
  w.write(`Database\t${s.database}\n`)
  w.write(`RetentionPolicy\t${s.retentionPolicy}\n`)
  w.write(`Pretty\t${s.pretty}\n`)
  w.write(`Format\t${s.format}\n`)
  w.write(`Write Consistency\t${s.consistency}\n`)
  w.write(`Chunked\t${s.chunked}\n`)
  w.write(`Chunk Size\t${s.chunkSize}\n`)
  w.write('\n')
  w.flush()
  return parts.join('')
}

/** The command-line usage (`-h`, bad flags). */
export const USAGE_TEXT = `Usage of tidemark:
  -version
       Display the version and exit.
  -host 'host name'
       Host to connect to.
  -port 'port #'
       Port to connect to.
  -socket 'unix domain socket'
       Unix socket to connect to.
  -database 'database name'
       Database to connect to the server.
  -password 'password'
      Password to connect to the server.  Leaving blank will prompt for password (--password '').
  -username 'username'
       Username to connect to the server.
  -ssl
        Use https for requests.
  -unsafeSsl
        Set this when connecting to the cluster using https and not use SSL verification.
  -execute 'command'
       Execute command and quit.
  -type 'influxql'
       Query language of -execute and the shell (only influxql).
  -format 'json|csv|column'
       Format specifies the format of the server responses:  json, csv, or column.
  -precision 'rfc3339|h|m|s|ms|u|ns'
       Precision specifies the format of the timestamp:  rfc3339, h, m, s, ms, u or ns.
  -consistency 'any|one|quorum|all'
       Set write consistency level: any, one, quorum, or all
  -pretty
       Turns on pretty print for the json format.
  -import
       Import a previous database export from file
  -pps
       How many points per second the import will allow.  By default it is zero and will not throttle importing.
  -path
       Path to file to import
  -compressed
       Set to true if the import file is compressed

Examples:

    # Use tidemark in a non-interactive mode to query the database "metrics" and pretty print json:
    $ tidemark -database 'metrics' -execute 'select * from cpu' -format 'json' -pretty

    # Connect to a specific database on startup and set database context:
    $ tidemark -database 'metrics' -host 'localhost' -port '8086'
`
