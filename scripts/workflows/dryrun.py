#!/usr/bin/env python3
"""Development dry run of a workflows/*.bpmn file with an answers file, standard library only.

    python3 scripts/workflows/dryrun.py workflows/optima-alv.bpmn \
        --answers workflows/examples/optima-alv.accepted-closed.answers.json \
        --variables workflows/examples/optima-alv.accepted-closed.variables.json
    python3 scripts/workflows/dryrun.py --check-examples     # run every example, compare with *.expected.txt
    python3 scripts/workflows/dryrun.py --write-examples     # (re)write the *.expected.txt files

A stand-in for `nahtstelle simulate` while the engine is being written, used to check that the
definitions and the example answers fit together. It knows only the elements the definitions use and
evaluates only simple conditions (`=name = "text"`, `=name = true|false`). Scheduling: work runs until
every token waits; then messages listed in the answers for an open subscription are delivered; then the
oldest open user task is completed with the next answer set for its id. Intermediate timers fire at once;
a boundary timer fires when its id has an answer entry. Prints the completed user-task ids, then
`end: <id>` of the process-level end event reached last.
"""

import glob
import json
import os
import re
import sys
import xml.etree.ElementTree as ET

B = "{http://www.omg.org/spec/BPMN/20100524/MODEL}"
ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
EXAMPLES = os.path.join(ROOT, "workflows", "examples")


class DryRunError(Exception):
    pass


class Definition:
    def __init__(self, path):
        tree = ET.parse(path)
        root = tree.getroot()
        self.messages = {m.get("id"): m.get("name") for m in root.iter(B + "message")}
        procs = [p for p in root.iter(B + "process") if p.get("isExecutable") == "true"]
        if len(procs) != 1:
            raise DryRunError("expected one executable process")
        self.nodes = {}
        self.flows = {}
        self.boundaries = {}      # activity id -> [boundary ids]
        self.event_subs = {}      # scope id (None = process) -> [start event ids of event sub-processes]
        self._walk(procs[0], None)
        for fid, f in self.flows.items():
            self.nodes[f["source"]]["outgoing"].append(fid)
            self.nodes[f["target"]]["incoming"].append(fid)

    def _walk(self, el, scope):
        for child in el:
            tag = child.tag[len(B):] if child.tag.startswith(B) else None
            if tag is None or tag in ("laneSet", "documentation", "extensionElements"):
                continue
            cid = child.get("id")
            if tag == "sequenceFlow":
                cond = child.find(B + "conditionExpression")
                self.flows[cid] = dict(source=child.get("sourceRef"), target=child.get("targetRef"),
                                       cond=cond.text.strip() if cond is not None else None)
                continue
            node = dict(id=cid, kind=tag, scope=scope, el=child, outgoing=[], incoming=[])
            med = child.find(B + "messageEventDefinition")
            node["message"] = self.messages.get(med.get("messageRef")) if med is not None else None
            node["timer"] = child.find(B + "timerEventDefinition") is not None
            node["default"] = child.get("default")
            self.nodes[cid] = node
            if tag == "boundaryEvent":
                self.boundaries.setdefault(child.get("attachedToRef"), []).append(cid)
            if tag == "subProcess":
                self._walk(child, cid)
                if child.get("triggeredByEvent") == "true":
                    for n in self.nodes.values():
                        if n["scope"] == cid and n["kind"] == "startEvent":
                            self.event_subs.setdefault(scope, []).append(n["id"])

    def none_start(self, scope):
        for n in self.nodes.values():
            if n["scope"] == scope and n["kind"] == "startEvent" and n["message"] is None and not n["timer"]:
                return n["id"]
        raise DryRunError("no none start event in scope %s" % scope)


class Scope:
    def __init__(self, def_id, parent, local_vars):
        self.def_id = def_id
        self.parent = parent
        self.vars = local_vars        # dict for process and event sub-process instances, else None
        self.tokens = 0
        self.children = 0
        self.joins = {}

    def var_scope(self):
        s = self
        while s.vars is None:
            s = s.parent
        return s

    def lookup(self, name):
        s = self
        while s is not None:
            if s.vars is not None and name in s.vars:
                return s.vars[name]
            s = s.parent
        return None


COND = re.compile(r'^=\s*([A-Za-z_][A-Za-z0-9_]*)\s*=\s*("([^"]*)"|true|false|-?\d+)\s*$')


def evaluate(cond, scope):
    m = COND.match(cond)
    if not m:
        raise DryRunError("dry run cannot evaluate condition %r" % cond)
    value = scope.lookup(m.group(1))
    lit = m.group(2)
    if lit.startswith('"'):
        return value == m.group(3)
    if lit in ("true", "false"):
        return value is (lit == "true")
    return value == int(lit)


class Run:
    def __init__(self, d, answers, variables):
        self.d = d
        self.answers = {k: list(v) for k, v in answers.items()}
        self.queue = []
        self.tasks = []            # open user tasks: (node id, scope)
        self.waiting = []          # message catch events: (node id, scope)
        self.trace = []
        self.last_end = None
        self.root = Scope(None, None, dict(variables))
        self.open_scopes = [self.root]

    def next_answer(self, key):
        lst = self.answers.get(key)
        if not lst:
            return None
        return lst.pop(0)

    def spawn(self, node_id, scope):
        scope.tokens += 1
        self.queue.append((node_id, scope))

    def leave(self, node_id, scope, via=None):
        node = self.d.nodes[node_id]
        flows = via if via is not None else node["outgoing"]
        for fid in flows:
            self.spawn(self.d.flows[fid]["target"], scope)
        scope.tokens -= 1
        self.maybe_complete(scope)

    def maybe_complete(self, scope):
        if scope.tokens > 0 or scope.children > 0:
            return
        if any(s is scope for _, s in self.tasks) or any(s is scope for _, s in self.waiting):
            return
        self.open_scopes = [s for s in self.open_scopes if s is not scope]
        if scope.parent is None:
            return
        parent = scope.parent
        parent.children -= 1
        node = self.d.nodes[scope.def_id]
        if node["el"].get("triggeredByEvent") == "true":
            self.maybe_complete(parent)
        else:
            parent.tokens += 1
            self.leave(scope.def_id, parent)

    def deliver(self, name, sender_scope, payload):
        """A thrown message: to a waiting catch event or an event sub-process of an open scope."""
        for i, (nid, s) in enumerate(self.waiting):
            if self.d.nodes[nid]["message"] == name:
                del self.waiting[i]
                s.var_scope().vars.update(payload)
                s.tokens += 1
                self.leave(nid, s)
                return True
        for s in list(self.open_scopes):
            for start in self.d.event_subs.get(s.def_id, []):
                if self.d.nodes[start]["message"] == name:
                    self.start_event_sub(start, s, payload)
                    return True
        return False

    def start_event_sub(self, start_id, scope, payload):
        esp = self.d.nodes[start_id]["scope"]
        inst = Scope(esp, scope, dict(payload))
        scope.children += 1
        self.open_scopes.append(inst)
        inst.tokens += 1
        self.leave(start_id, inst)

    def step(self, node_id, scope):
        node = self.d.nodes[node_id]
        kind = node["kind"]
        if kind == "userTask":
            self.tasks.append((node_id, scope))
            for b in self.d.boundaries.get(node_id, []):
                while self.next_answer(b) is not None:
                    scope.tokens += 1
                    self.leave(b, scope)
            return
        if kind == "subProcess":
            inst = Scope(node_id, scope, None)
            scope.children += 1
            scope.tokens -= 1
            self.open_scopes.append(inst)
            self.spawn(self.d.none_start(node_id), inst)
            for b in self.d.boundaries.get(node_id, []):
                while self.next_answer(b) is not None:
                    scope.tokens += 1
                    self.leave(b, scope)
            return
        if kind == "exclusiveGateway" and len(node["outgoing"]) > 1:
            for fid in node["outgoing"]:
                cond = self.d.flows[fid]["cond"]
                if cond and evaluate(cond, scope):
                    return self.leave(node_id, scope, [fid])
            if node["default"]:
                return self.leave(node_id, scope, [node["default"]])
            raise DryRunError("no outgoing flow of %s matches" % node_id)
        if kind == "parallelGateway" and len(node["incoming"]) > 1:
            n = scope.joins.get(node_id, 0) + 1
            if n < len(node["incoming"]):
                scope.joins[node_id] = n
                scope.tokens -= 1
                return
            scope.joins[node_id] = 0
            return self.leave(node_id, scope)
        if kind == "intermediateCatchEvent" and node["message"]:
            self.waiting.append((node_id, scope))
            scope.tokens -= 1
            return
        if kind in ("intermediateThrowEvent", "endEvent") and node["message"]:
            payload = {}
            s = scope
            while s is not None:
                if s.vars is not None:
                    payload = dict(s.vars, **payload)
                s = s.parent
            self.deliver(node["message"], scope, payload)   # undelivered: meant for another process
        if kind == "endEvent":
            if scope.parent is None:
                self.last_end = node_id
            scope.tokens -= 1
            return self.maybe_complete(scope)
        return self.leave(node_id, scope)

    def run(self, start_message=None):
        if start_message is not None:
            starts = [n for n in self.d.nodes.values()
                      if n["scope"] is None and n["kind"] == "startEvent" and n["message"]]
            if not starts:
                raise DryRunError("no message start event")
            self.spawn(starts[0]["id"], self.root)
        else:
            self.spawn(self.d.none_start(None), self.root)
        guard = 0
        while True:
            guard += 1
            if guard > 10000:
                raise DryRunError("no progress (endless loop?)")
            if self.queue:
                node_id, scope = self.queue.pop(0)
                self.step(node_id, scope)
                continue
            if self.deliver_listed():
                continue
            if not self.tasks:
                break
            task_id, scope = self.tasks.pop(0)
            ans = self.next_answer(task_id)
            if ans is None:
                raise DryRunError("user task %s is open but the answers have no (further) entry for it; "
                                  "completed so far: %s" % (task_id, ", ".join(self.trace)))
            scope.var_scope().vars.update(ans)
            self.trace.append(task_id)
            self.leave(task_id, scope)
        if self.waiting:
            raise DryRunError("process waits for message(s) at %s" % ", ".join(n for n, _ in self.waiting))
        if self.root in self.open_scopes:
            raise DryRunError("process did not complete")
        leftovers = {k: v for k, v in self.answers.items() if v}
        if leftovers:
            raise DryRunError("unused answers: %s" % ", ".join(sorted(leftovers)))
        return self.trace + ["end: %s" % self.last_end]

    def deliver_listed(self):
        for i, (nid, s) in enumerate(self.waiting):
            ans = self.next_answer(nid)
            if ans is not None:
                del self.waiting[i]
                s.var_scope().vars.update(ans)
                s.tokens += 1
                self.leave(nid, s)
                return True
        for s in list(self.open_scopes):
            for start in self.d.event_subs.get(s.def_id, []):
                ans = self.next_answer(start)
                if ans is not None:
                    self.start_event_sub(start, s, ans)
                    return True
        return False


def dry_run(bpmn, answers, variables):
    d = Definition(bpmn)
    has_none_start = any(n["scope"] is None and n["kind"] == "startEvent" and not n["message"] for n in d.nodes.values())
    return Run(d, answers, variables).run(start_message=None if has_none_start else True)


def examples():
    for answers in sorted(glob.glob(os.path.join(EXAMPLES, "*.answers.json"))):
        base = answers[: -len(".answers.json")]
        name = os.path.basename(base)
        bpmn = os.path.join(ROOT, "workflows", name.split(".")[0] + ".bpmn")
        yield name, bpmn, answers, base + ".variables.json", base + ".expected.txt"


def main(argv):
    if "--check-examples" in argv or "--write-examples" in argv:
        failed = False
        for name, bpmn, answers, variables, expected in examples():
            with open(answers) as f:
                a = json.load(f)
            v = {}
            if os.path.exists(variables):
                with open(variables) as f:
                    v = json.load(f)
            try:
                out = "\n".join(dry_run(bpmn, a, v)) + "\n"
            except DryRunError as e:
                print("%s: %s" % (name, e))
                failed = True
                continue
            if "--write-examples" in argv:
                with open(expected, "w") as f:
                    f.write(out)
                print("%s: %s" % (name, out.strip().splitlines()[-1]))
            else:
                with open(expected) as f:
                    if f.read() != out:
                        print("%s: differs from %s" % (name, os.path.basename(expected)))
                        failed = True
                    else:
                        print("%s: ok" % name)
        return 1 if failed else 0
    bpmn = argv[0]
    a = json.load(open(argv[argv.index("--answers") + 1]))
    v = json.load(open(argv[argv.index("--variables") + 1])) if "--variables" in argv else {}
    try:
        print("\n".join(dry_run(bpmn, a, v)))
    except DryRunError as e:
        print("error: %s" % e, file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
