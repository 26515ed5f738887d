"""Compares the final SQLite schema (a database migrated by the nahtstelle binary) with the
PostgreSQL one: tables, columns (type, nullability, default, collation), primary keys, unique
sets, foreign keys, CHECK counts, indexes (name, columns, unique, partial) and triggers.
Usage: schema_parity.py SQLITE_FILE POSTGRES_URL (Tests/python/test_schema_parity.py runs it)"""
import re, sqlite3, subprocess, sys, json

ENGINE = {'definition', 'message_start', 'instance', 'task', 'job', 'subscription', 'history'}
TYPES = {'TEXT': 'text', 'INTEGER': 'bigint', 'REAL': 'double precision', 'BLOB': 'bytea'}

def norm_where(w):
    w = (w or '').strip()
    w = re.sub(r'[()]', '', w)
    return re.sub(r'\s+', ' ', w).strip().upper() or None

def sqlite_schema(path):
    db = sqlite3.connect(path)
    s = {'tables': {}, 'indexes': {}, 'triggers': {}}
    for (t, sql) in db.execute("SELECT name, sql FROM sqlite_master WHERE type='table' AND name NOT IN ('grdb_migrations','sqlite_sequence')"):
        cols = {}
        pk = []
        for cid, name, typ, notnull, dflt, pkpos in db.execute(f'PRAGMA table_info("{t}")'):
            # A primary key column never holds NULL in practice (INTEGER PRIMARY KEY is the rowid;
            # WITHOUT ROWID enforces it); PostgreSQL makes every key NOT NULL.
            cols[name] = {'type': TYPES[typ.upper()], 'notnull': bool(notnull or pkpos),
                          'default': None if dflt is None else str(dflt).strip("'")}
            if pkpos: pk.append((pkpos, name))
        uniques = set()
        for _, iname, unique, origin, partial in db.execute(f'PRAGMA index_list("{t}")'):
            cols_i = tuple(r[2] for r in db.execute(f'PRAGMA index_info("{iname}")'))
            if origin == 'u': uniques.add(cols_i)
            if origin == 'c':
                isql = db.execute("SELECT sql FROM sqlite_master WHERE name=?", (iname,)).fetchone()[0]
                m = re.search(r'\bWHERE\b(.*)$', isql, re.S | re.I)
                s['indexes'][iname] = {'table': t, 'columns': cols_i, 'unique': bool(unique),
                                       'where': norm_where(m.group(1)) if m else None}
        fks = set()
        for row in db.execute(f'PRAGMA foreign_key_list("{t}")'):
            fks.add((row[3], row[2], row[4] or 'PK'))
        body = re.sub(r'--[^\n]*', '', sql)
        s['tables'][t] = {'columns': cols, 'pk': tuple(n for _, n in sorted(pk)), 'unique': uniques,
                          'fks': fks, 'checks': len(re.findall(r'\bCHECK\b', body, re.I))}
    for (name, t, sql) in db.execute("SELECT name, tbl_name, sql FROM sqlite_master WHERE type='trigger'"):
        m = re.search(r'\b(BEFORE|AFTER)\s+(INSERT|UPDATE|DELETE)(\s+OF\s+(\w+))?\s+ON\s+(\w+)', sql, re.I)
        msg = re.search(r"RAISE\(ABORT,\s*'([^']*)'\)", sql)
        s['triggers'][name] = {'table': t, 'timing': m.group(1).upper(), 'event': m.group(2).upper(),
                               'of': m.group(4), 'when': bool(re.search(r'\bWHEN\b', sql)), 'message': msg.group(1) if msg else None}
    return s

def pg(url, sql):
    out = subprocess.run(['psql', url, '-XAtq', '-c', f'SELECT coalesce(json_agg(q), \'[]\') FROM ({sql}) q'],
                         capture_output=True, text=True, check=True).stdout
    return json.loads(out)

def pg_schema(url):
    s = {'tables': {}, 'indexes': {}, 'triggers': {}}
    for r in pg(url, """SELECT table_name t FROM information_schema.tables
                        WHERE table_schema = 'public' AND table_type = 'BASE TABLE' AND table_name <> 'nahtstelle_migration'"""):
        s['tables'][r['t']] = {'columns': {}, 'pk': (), 'unique': set(), 'fks': set(), 'checks': 0}
    for r in pg(url, """SELECT table_name t, column_name c, data_type ty, is_nullable n, column_default d,
                               collation_name co, is_identity i
                        FROM information_schema.columns WHERE table_schema = 'public'
                        ORDER BY table_name, ordinal_position"""):
        if r['t'] not in s['tables']: continue
        d = r['d']
        if d is not None:
            d = re.sub(r"::[a-z ]+$", '', d).strip("'")
        s['tables'][r['t']]['columns'][r['c']] = {'type': r['ty'], 'notnull': r['n'] == 'NO', 'default': d,
                                                  'collation': r['co'], 'identity': r['i'] == 'YES'}
    for r in pg(url, """SELECT c.conrelid::regclass::text t, c.contype k, c.confrelid::regclass::text rt,
                               (SELECT json_agg(a.attname ORDER BY x.o) FROM unnest(c.conkey) WITH ORDINALITY x(n, o)
                                  JOIN pg_attribute a ON a.attrelid = c.conrelid AND a.attnum = x.n) cols,
                               (SELECT json_agg(a.attname ORDER BY x.o) FROM unnest(c.confkey) WITH ORDINALITY x(n, o)
                                  JOIN pg_attribute a ON a.attrelid = c.confrelid AND a.attnum = x.n) rcols
                        FROM pg_constraint c JOIN pg_namespace n ON n.oid = c.connamespace WHERE n.nspname = 'public'"""):
        t = s['tables'].get(r['t'])
        if t is None: continue
        if r['k'] == 'p': t['pk'] = tuple(r['cols'])
        elif r['k'] == 'u': t['unique'].add(tuple(r['cols']))
        elif r['k'] == 'c': t['checks'] += 1
        elif r['k'] == 'f':
            # SQLite reports REFERENCES t (no column) as PK; every reference here names its column.
            t['fks'].add((r['cols'][0], r['rt'], r['rcols'][0]))
    for r in pg(url, """SELECT i.indexrelid::regclass::text name, i.indrelid::regclass::text t, i.indisunique u,
                               pg_get_expr(i.indpred, i.indrelid) w,
                               (SELECT json_agg(a.attname ORDER BY x.o) FROM unnest(i.indkey[0:i.indnkeyatts - 1]) WITH ORDINALITY x(n, o)
                                  JOIN pg_attribute a ON a.attrelid = i.indrelid AND a.attnum = x.n) cols
                        FROM pg_index i JOIN pg_class c ON c.oid = i.indexrelid JOIN pg_namespace n ON n.oid = c.relnamespace
                        WHERE n.nspname = 'public' AND NOT EXISTS (SELECT 1 FROM pg_constraint k WHERE k.conindid = i.indexrelid)"""):
        s['indexes'][r['name']] = {'table': r['t'], 'columns': tuple(r['cols']), 'unique': r['u'], 'where': norm_where(r['w'])}
    for r in pg(url, """SELECT tgname name, tgrelid::regclass::text t, tgtype ty, tgqual IS NOT NULL w,
                               pg_get_triggerdef(oid) def,
                               (SELECT json_agg(a.attname) FROM unnest(tgattr) x(n) JOIN pg_attribute a ON a.attrelid = tgrelid AND a.attnum = x.n) cols
                        FROM pg_trigger WHERE NOT tgisinternal"""):
        ty = r['ty']
        event = 'INSERT' if ty & 4 else 'DELETE' if ty & 8 else 'UPDATE' if ty & 16 else 'TRUNCATE'
        args = re.search(r"EXECUTE FUNCTION \w+\('(.*)'\)$", r['def'])
        s['triggers'][r['name']] = {'table': r['t'], 'timing': 'BEFORE' if ty & 2 else 'AFTER', 'event': event,
                                    'of': r['cols'][0] if r['cols'] else None, 'when': r['w'],
                                    'message': args.group(1).replace("''", "'") if args else None,
                                    'row': bool(ty & 1)}
    return s

def main(sqlite_path, url):
    a, b = sqlite_schema(sqlite_path), pg_schema(url)
    diffs, notes = [], []
    def diff(kind, msg):
        (notes if kind in ENGINE else diffs).append(msg)
    for t in sorted(set(a['tables']) | set(b['tables'])):
        if t not in b['tables']: diff(t, f'table {t}: only in SQLite'); continue
        if t not in a['tables']: diff(t, f'table {t}: only in PostgreSQL'); continue
        ta, tb = a['tables'][t], b['tables'][t]
        if list(ta['columns']) != list(tb['columns']):
            diff(t, f'table {t}: columns SQLite {list(ta["columns"])} vs PostgreSQL {list(tb["columns"])}')
        for c in ta['columns']:
            if c not in tb['columns']: continue
            ca, cb = ta['columns'][c], tb['columns'][c]
            for k in ('type', 'notnull', 'default'):
                if ca[k] != cb[k]: diff(t, f'{t}.{c}: {k} SQLite {ca[k]!r} vs PostgreSQL {cb[k]!r}')
            if cb['type'] == 'text' and cb['collation'] != 'C': diff(t, f'{t}.{c}: collation {cb["collation"]!r}, not "C"')
            if t not in ENGINE and cb['identity'] != (ca['type'] == 'bigint' and ta['pk'] == (c,) and not any(f[0] == c for f in ta['fks'])):
                diff(t, f'{t}.{c}: identity {cb["identity"]} unexpected')
        for k in ('pk', 'unique', 'fks', 'checks'):
            if ta[k] != tb[k]: diff(t, f'table {t}: {k} SQLite {ta[k]} vs PostgreSQL {tb[k]}')
    for i in sorted(set(a['indexes']) | set(b['indexes'])):
        ia, ib = a['indexes'].get(i), b['indexes'].get(i)
        t = (ia or ib)['table']
        if ia != ib: diff(t, f'index {i}: SQLite {ia} vs PostgreSQL {ib}')
    for g in sorted(set(a['triggers']) | set(b['triggers'])):
        ga, gb = a['triggers'].get(g), b['triggers'].get(g)
        t = (ga or gb)['table']
        if gb and gb['event'] == 'TRUNCATE' and not ga:
            notes.append(f'trigger {g}: PostgreSQL only (TRUNCATE, which SQLite lacks), message {gb["message"]!r}')
            continue
        if ga is None or gb is None: diff(t, f'trigger {g}: SQLite {ga} vs PostgreSQL {gb}'); continue
        if not gb['row']: diff(t, f'trigger {g}: PostgreSQL trigger is not FOR EACH ROW')
        gb = {k: v for k, v in gb.items() if k != 'row'}
        if g == 'own_entitlement_measure_receiver_pays' and ga['when'] and not gb['when']:
            notes.append(f'trigger {g}: WHEN (a subquery) tested inside its function')
            gb['when'], gb['message'] = True, ga['message']
        if ga != gb: diff(t, f'trigger {g}: SQLite {ga} vs PostgreSQL {gb}')
    print(f'SQLite: {len(a["tables"])} tables, {len(a["indexes"])} indexes, {len(a["triggers"])} triggers; '
          f'PostgreSQL: {len(b["tables"])} tables, {len(b["indexes"])} indexes, {len(b["triggers"])} triggers')
    for n in notes: print('note:', n)
    for d in diffs: print('DIFF:', d)
    print(f'{len(diffs)} differences')
    return 1 if diffs else 0

if __name__ == '__main__':
    sys.exit(main(sys.argv[1], sys.argv[2]))
