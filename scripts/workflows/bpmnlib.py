"""Small BPMN 2.0 writer with a grid layout and orthogonal edge routing.

Standard library only, deterministic output. Used by generate.py to write workflows/*.bpmn with a
complete BPMN DI diagram (pool, lanes, every flow node, every sequence flow with waypoints) that
opens cleanly in Camunda Modeler / bpmn.io.

Coordinates: a node is placed by column (float) and by a named row of a lane; `col_x` and the lane
rows give its centre. Edges are routed orthogonally from the geometry unless explicit bend points
are given.
"""

from xml.sax.saxutils import escape, quoteattr

NS_BPMN = "http://www.omg.org/spec/BPMN/20100524/MODEL"
NS_NAHTSTELLE = "http://nahtstelle.ch/schema/bpmn"

POOL_X = 100
POOL_HEADER = 30
LANE_HEADER = 30
COL0 = 230
COL_W = 130

SIZES = {
    "startEvent": (36, 36),
    "endEvent": (36, 36),
    "intermediateCatchEvent": (36, 36),
    "intermediateThrowEvent": (36, 36),
    "boundaryEvent": (36, 36),
    "exclusiveGateway": (50, 50),
    "parallelGateway": (50, 50),
    "userTask": (100, 80),
    "serviceTask": (100, 80),
    "receiveTask": (100, 80),
}

EVENT_KINDS = {"startEvent", "endEvent", "intermediateCatchEvent", "intermediateThrowEvent", "boundaryEvent"}
GATEWAY_KINDS = {"exclusiveGateway", "parallelGateway"}


def col_x(col):
    return COL0 + col * COL_W


class Lane:
    def __init__(self, lane_id, name, role, rows):
        """rows: list of (key, height, centre offset from the row top)."""
        self.id = lane_id
        self.name = name
        self.role = role
        self.rows = rows
        self.top = 0
        self.height = sum(h for _, h, _ in rows)
        self.row_y = {}
        self.row_top = {}
        self.row_bottom = {}

    def place(self, top):
        self.top = top
        y = top
        for key, h, c in self.rows:
            self.row_top[key] = y
            self.row_y[key] = y + c
            self.row_bottom[key] = y + h
            y += h


class Node:
    def __init__(self, kind, node_id, name, x=None, y=None, w=None, h=None, lane=None, parent=None):
        self.kind = kind
        self.id = node_id
        self.name = name
        dw, dh = SIZES.get(kind, (100, 80))
        self.w = w if w is not None else dw
        self.h = h if h is not None else dh
        self.cx = x
        self.cy = y
        self.lane = lane
        self.parent = parent          # id of the containing sub-process, or None
        self.attrs = {}               # extra XML attributes (already prefixed names)
        self.body = []                # extra XML child lines (event definitions …), after incoming/outgoing
        self.doc = None
        self.incoming = []
        self.outgoing = []
        self.default = None
        self.label_pos = "below"      # for events and gateways

    @property
    def left(self):
        return self.cx - self.w / 2

    @property
    def right(self):
        return self.cx + self.w / 2

    @property
    def top(self):
        return self.cy - self.h / 2

    @property
    def bottom(self):
        return self.cy + self.h / 2


class Flow:
    def __init__(self, flow_id, src, tgt, name=None, cond=None, bends=None):
        self.id = flow_id
        self.src = src
        self.tgt = tgt
        self.name = name
        self.cond = cond
        self.bends = bends
        self.points = []


def fmt(v):
    v = round(v)
    return str(int(v))


class Process:
    def __init__(self, process_id, name, participant_name, doc=None):
        self.id = process_id
        self.name = name
        self.participant_name = participant_name
        self.doc = doc
        self.lanes = []
        self.nodes = {}
        self.order = []
        self.flows = []
        self.messages = []        # (id, name, correlation key)
        self._flow_n = 0

    # ---- structure -------------------------------------------------------------------------
    def lane(self, lane_id, name, role, rows):
        lane = Lane(lane_id, name, role, rows)
        self.lanes.append(lane)
        return lane

    def layout_lanes(self, top=80):
        y = top
        for lane in self.lanes:
            lane.place(y)
            y += lane.height
        self.pool_top = top
        self.pool_height = y - top

    def lane_of(self, key):
        for lane in self.lanes:
            if key in lane.row_y:
                return lane
        raise KeyError(key)

    def y(self, row):
        return self.lane_of(row).row_y[row]

    def message(self, msg_id, name, key="=caseId"):
        self.messages.append((msg_id, name, key))

    def add(self, kind, node_id, name, col=None, row=None, parent=None, x=None, y=None, w=None, h=None,
            ext=None, attrs=None):
        """ext: nahtstelle:* attributes (without prefix, in order); attrs: plain BPMN attributes."""
        if node_id in self.nodes:
            raise ValueError("duplicate id " + node_id)
        if x is None and col is not None:
            x = col_x(col)
        lane = None
        if row is not None:
            lane = self.lane_of(row)
            if y is None:
                y = lane.row_y[row]
        node = Node(kind, node_id, name, x, y, w, h, lane=lane, parent=parent)
        for k, v in (attrs or {}).items():
            node.attrs[k] = v
        for k, v in (ext or {}).items():
            if v is not None:
                node.attrs["nahtstelle:" + k] = v
        self.nodes[node_id] = node
        self.order.append(node_id)
        return node

    def flow(self, src, tgt, name=None, cond=None, default=False, bends=None, flow_id=None):
        self._flow_n += 1
        fid = flow_id or "flow-%s-%s" % (src, tgt)
        if any(f.id == fid for f in self.flows):
            fid = "%s-%d" % (fid, self._flow_n)
        f = Flow(fid, self.nodes[src], self.nodes[tgt], name, cond, bends)
        self.flows.append(f)
        self.nodes[src].outgoing.append(fid)
        self.nodes[tgt].incoming.append(fid)
        if default:
            self.nodes[src].default = fid
        return f

    def chain(self, *ids):
        for a, b in zip(ids, ids[1:]):
            self.flow(a, b)

    # ---- routing ---------------------------------------------------------------------------
    @staticmethod
    def _attach(node, towards):
        """Point on the border of node in the direction of the orthogonal neighbour `towards`."""
        tx, ty = towards
        if node.kind == "subProcess" and node.top < ty < node.bottom and not node.left <= tx <= node.right:
            return (node.right, ty) if tx > node.cx else (node.left, ty)
        if node.kind == "subProcess" and node.left < tx < node.right and not node.top <= ty <= node.bottom:
            return (tx, node.bottom) if ty > node.cy else (tx, node.top)
        if abs(ty - node.cy) < 0.5:
            return (node.right, node.cy) if tx > node.cx else (node.left, node.cy)
        if abs(tx - node.cx) < 0.5:
            return (node.cx, node.bottom) if ty > node.cy else (node.cx, node.top)
        raise ValueError("bend %r not orthogonal to %s" % (towards, node.id))

    def route(self, f):
        s, t = f.src, f.tgt
        if f.bends:
            pts = [self._attach(s, f.bends[0])] + list(f.bends) + [self._attach(t, f.bends[-1])]
        elif t.kind == "subProcess" and t.top < s.cy < t.bottom and t.left > s.cx:
            pts = [(s.right, s.cy), (t.left, s.cy)]
        elif s.kind == "subProcess" and s.top < t.cy < s.bottom and t.cx > s.right:
            pts = [(s.right, t.cy), (t.left, t.cy)]
        elif s.kind == "boundaryEvent":
            if abs(t.cx - s.cx) < 0.5:
                pts = [(s.cx, s.bottom), (t.cx, t.top)]
            else:
                pts = [(s.cx, s.bottom), (s.cx, t.cy), (t.left, t.cy)]
        elif abs(s.cy - t.cy) < 0.5:
            if t.cx > s.cx:
                pts = [(s.right, s.cy), (t.left, t.cy)]
            else:
                pts = [(s.left, s.cy), (t.right, t.cy)]
        elif abs(s.cx - t.cx) < 0.5:
            if t.cy > s.cy:
                pts = [(s.cx, s.bottom), (t.cx, t.top)]
            else:
                pts = [(s.cx, s.top), (t.cx, t.bottom)]
        elif s.kind in GATEWAY_KINDS and len(s.outgoing) > 1:
            # split: leave through top/bottom, then horizontally into the target
            ys = s.bottom if t.cy > s.cy else s.top
            pts = [(s.cx, ys), (s.cx, t.cy), (t.left, t.cy)]
        elif t.kind in GATEWAY_KINDS and len(t.incoming) > 1:
            # join: horizontally to above/below the gateway, then into its top/bottom
            yt = t.bottom if s.cy > t.cy else t.top
            pts = [(s.right, s.cy), (t.cx, s.cy), (t.cx, yt)]
        else:
            mx = (s.right + t.left) / 2
            pts = [(s.right, s.cy), (mx, s.cy), (mx, t.cy), (t.left, t.cy)]
        f.points = pts

    # ---- XML -------------------------------------------------------------------------------
    def _node_xml(self, node, ind, out):
        attrs = ['id="%s"' % node.id]
        if node.name:
            attrs.append("name=%s" % quoteattr(node.name))
        for k, v in node.attrs.items():
            attrs.append("%s=%s" % (k, quoteattr(v)))
        if node.default:
            attrs.append('default="%s"' % node.default)
        tag = "bpmn:" + node.kind
        children = self.children_of(node.id)
        inner = []
        if node.doc:
            inner.append(ind + "  <bpmn:documentation>%s</bpmn:documentation>" % escape(node.doc))
        for i in node.incoming:
            inner.append(ind + "  <bpmn:incoming>%s</bpmn:incoming>" % i)
        for o in node.outgoing:
            inner.append(ind + "  <bpmn:outgoing>%s</bpmn:outgoing>" % o)
        for line in node.body:
            inner.append(ind + "  " + line)
        if not inner and not children:
            out.append(ind + "<%s %s />" % (tag, " ".join(attrs)))
            return
        out.append(ind + "<%s %s>" % (tag, " ".join(attrs)))
        out.extend(inner)
        for child in children:
            self._node_xml(child, ind + "  ", out)
        for f in self.flows:
            if f.src.parent == node.id and f.src.id in [c.id for c in children]:
                self._flow_xml(f, ind + "  ", out)
        out.append(ind + "</%s>" % tag)

    def _flow_xml(self, f, ind, out):
        attrs = 'id="%s"' % f.id
        if f.name:
            attrs += " name=%s" % quoteattr(f.name)
        attrs += ' sourceRef="%s" targetRef="%s"' % (f.src.id, f.tgt.id)
        if f.cond:
            out.append(ind + "<bpmn:sequenceFlow %s>" % attrs)
            out.append(ind + '  <bpmn:conditionExpression xsi:type="bpmn:tFormalExpression">%s</bpmn:conditionExpression>'
                       % escape(f.cond))
            out.append(ind + "</bpmn:sequenceFlow>")
        else:
            out.append(ind + "<bpmn:sequenceFlow %s />" % attrs)

    def children_of(self, parent):
        return [self.nodes[i] for i in self.order if self.nodes[i].parent == parent]

    def to_xml(self, definitions_id):
        for f in self.flows:
            self.route(f)
        out = []
        out.append('<?xml version="1.0" encoding="UTF-8"?>')
        out.append('<!-- Generated by scripts/workflows/generate.py; edit there or in Camunda Modeler (see workflows/README.md). -->')
        out.append('<bpmn:definitions xmlns:bpmn="%s" xmlns:bpmndi="http://www.omg.org/spec/BPMN/20100524/DI" '
                   'xmlns:dc="http://www.omg.org/spec/DD/20100524/DC" xmlns:di="http://www.omg.org/spec/DD/20100524/DI" '
                   'xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" xmlns:nahtstelle="%s" '
                   'id="%s" targetNamespace="http://nahtstelle.ch/workflows" exporter="nahtstelle scripts/workflows/generate.py" '
                   'exporterVersion="1">' % (NS_BPMN, NS_NAHTSTELLE, definitions_id))
        for msg_id, name, key in self.messages:
            out.append('  <bpmn:message id="%s" name="%s" nahtstelle:correlationKey=%s />' % (msg_id, name, quoteattr(key)))
        out.append('  <bpmn:collaboration id="collaboration-%s">' % self.id)
        out.append('    <bpmn:participant id="participant-%s" name=%s processRef="%s" />'
                   % (self.id, quoteattr(self.participant_name), self.id))
        out.append("  </bpmn:collaboration>")
        out.append('  <bpmn:process id="%s" name=%s isExecutable="true">' % (self.id, quoteattr(self.name)))
        if self.doc:
            out.append("    <bpmn:documentation>%s</bpmn:documentation>" % escape(self.doc))
        out.append('    <bpmn:laneSet id="laneset-%s">' % self.id)
        for lane in self.lanes:
            out.append('      <bpmn:lane id="%s" name=%s nahtstelle:role="%s">' % (lane.id, quoteattr(lane.name), lane.role))
            for i in self.order:
                n = self.nodes[i]
                if n.parent is None and n.lane is lane:
                    out.append("        <bpmn:flowNodeRef>%s</bpmn:flowNodeRef>" % n.id)
            out.append("      </bpmn:lane>")
        out.append("    </bpmn:laneSet>")
        for n in self.children_of(None):
            self._node_xml(n, "    ", out)
        for f in self.flows:
            if f.src.parent is None:
                self._flow_xml(f, "    ", out)
        out.append("  </bpmn:process>")
        out.extend(self._di_xml())
        out.append("</bpmn:definitions>")
        return "\n".join(out) + "\n"

    # ---- DI --------------------------------------------------------------------------------
    def extent(self):
        xs = [n.right for n in self.nodes.values()]
        for f in self.flows:
            xs.extend(p[0] for p in f.points)
        return max(xs)

    def _di_xml(self):
        out = []
        right = self.extent() + 60
        pool_w = right - POOL_X
        out.append('  <bpmndi:BPMNDiagram id="diagram-%s">' % self.id)
        out.append('    <bpmndi:BPMNPlane id="plane-%s" bpmnElement="collaboration-%s">' % (self.id, self.id))
        out.append('      <bpmndi:BPMNShape id="participant-%s_di" bpmnElement="participant-%s" isHorizontal="true">'
                   % (self.id, self.id))
        out.append('        <dc:Bounds x="%d" y="%d" width="%s" height="%d" />' % (POOL_X, self.pool_top, fmt(pool_w), self.pool_height))
        out.append("        <bpmndi:BPMNLabel />")
        out.append("      </bpmndi:BPMNShape>")
        for lane in self.lanes:
            out.append('      <bpmndi:BPMNShape id="%s_di" bpmnElement="%s" isHorizontal="true">' % (lane.id, lane.id))
            out.append('        <dc:Bounds x="%d" y="%d" width="%s" height="%d" />'
                       % (POOL_X + POOL_HEADER, lane.top, fmt(pool_w - POOL_HEADER), lane.height))
            out.append("        <bpmndi:BPMNLabel />")
            out.append("      </bpmndi:BPMNShape>")
        # containers first so that their content is drawn on top
        ordered = sorted(self.order, key=lambda i: 0 if self.nodes[i].kind == "subProcess" else 1)
        for i in ordered:
            n = self.nodes[i]
            extra = ' isExpanded="true"' if n.kind == "subProcess" else ""
            if n.kind in GATEWAY_KINDS:
                extra = ' isMarkerVisible="true"' if n.kind == "exclusiveGateway" else ""
            out.append('      <bpmndi:BPMNShape id="%s_di" bpmnElement="%s"%s>' % (n.id, n.id, extra))
            out.append('        <dc:Bounds x="%s" y="%s" width="%s" height="%s" />' % (fmt(n.left), fmt(n.top), fmt(n.w), fmt(n.h)))
            if (n.kind in EVENT_KINDS or n.kind in GATEWAY_KINDS) and n.name:
                lw = 110
                lh = 14 * (1 + len(n.name) // 18)
                lx = n.cx - lw / 2
                if n.label_pos == "above":
                    ly = n.top - 6 - lh
                elif n.label_pos == "above-left":
                    ly = n.top - 4 - lh
                    lx = n.cx - lw - 4
                elif n.label_pos == "below-right":
                    ly = n.bottom - 4
                    lx = n.right + 2
                elif n.label_pos == "below-left":
                    ly = n.bottom - 4
                    lx = n.left - lw - 2
                elif n.label_pos == "right":
                    out.append('        <bpmndi:BPMNLabel>')
                    out.append('          <dc:Bounds x="%s" y="%s" width="%d" height="%d" />' % (fmt(n.right + 6), fmt(n.cy - lh / 2), lw, lh))
                    out.append('        </bpmndi:BPMNLabel>')
                    out.append("      </bpmndi:BPMNShape>")
                    continue
                else:
                    ly = n.bottom + 6
                out.append('        <bpmndi:BPMNLabel>')
                out.append('          <dc:Bounds x="%s" y="%s" width="%d" height="%d" />' % (fmt(lx), fmt(ly), lw, lh))
                out.append('        </bpmndi:BPMNLabel>')
            out.append("      </bpmndi:BPMNShape>")
        for f in self.flows:
            out.append('      <bpmndi:BPMNEdge id="%s_di" bpmnElement="%s">' % (f.id, f.id))
            for x, y in f.points:
                out.append('        <di:waypoint x="%s" y="%s" />' % (fmt(x), fmt(y)))
            if f.name:
                (x0, y0), (x1, y1) = f.points[0], f.points[1]
                lw = 7 * len(f.name) + 10
                if abs(y0 - y1) < 0.5:      # first segment horizontal: label above it
                    lx, ly = min(x0, x1) + 6, y0 - 20
                else:                       # vertical: label beside it
                    lx, ly = x0 + 6, (y0 + y1) / 2 - 7 if abs(y1 - y0) > 40 else min(y0, y1)
                out.append("        <bpmndi:BPMNLabel>")
                out.append('          <dc:Bounds x="%s" y="%s" width="%d" height="14" />' % (fmt(lx), fmt(ly), lw))
                out.append("        </bpmndi:BPMNLabel>")
            out.append("      </bpmndi:BPMNEdge>")
        out.append("    </bpmndi:BPMNPlane>")
        out.append("  </bpmndi:BPMNDiagram>")
        return out

    # ---- checks ----------------------------------------------------------------------------
    def check_layout(self):
        """Overlapping shapes (ignoring containers and attached boundary events) are errors."""
        problems = []
        nodes = [n for n in self.nodes.values() if n.kind not in ("subProcess", "boundaryEvent")]
        for i, a in enumerate(nodes):
            for b in nodes[i + 1:]:
                if a.left < b.right + 10 and b.left < a.right + 10 and a.top < b.bottom + 10 and b.top < a.bottom + 10:
                    problems.append("%s overlaps %s" % (a.id, b.id))
        for n in self.nodes.values():
            if n.parent:
                p = self.nodes[n.parent]
                if not (p.left < n.left and n.right < p.right and p.top < n.top and n.bottom < p.bottom):
                    problems.append("%s outside its sub-process %s" % (n.id, p.id))
            elif n.kind != "subProcess" and n.kind != "boundaryEvent" and n.lane is not None:
                if not (n.lane.top < n.top and n.bottom < n.lane.top + n.lane.height):
                    problems.append("%s outside its lane %s" % (n.id, n.lane.id))
        for f in self.flows:
            for (x0, y0), (x1, y1) in zip(f.points, f.points[1:]):
                if abs(x0 - x1) > 0.5 and abs(y0 - y1) > 0.5:
                    problems.append("edge %s not orthogonal" % f.id)
        return problems
