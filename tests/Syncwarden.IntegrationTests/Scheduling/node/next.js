// Reads [{ expression, start, zone, count }] as JSON on stdin; writes, for each, { next: [ISO UTC...] } or { error }.
'use strict';
const { CronExpressionParser } = require('cron-parser');

let input = '';
process.stdin.setEncoding('utf8');
process.stdin.on('data', (chunk) => { input += chunk; });
process.stdin.on('end', () => {
  const results = JSON.parse(input).map((c) => {
    try {
      const interval = CronExpressionParser.parse(c.expression, { currentDate: c.start, tz: c.zone });
      const next = [];
      for (let i = 0; i < c.count; i++) {
        next.push(interval.next().toDate().toISOString());
      }
      return { next };
    } catch (e) {
      return { error: String(e && e.message) };
    }
  });
  process.stdout.write(JSON.stringify(results));
});
