//! Constraints compiled to a register program: what the GPU prover's quotient kernel
//! interprets, one thread per point of the quotient domain.
//!
//! The symbolic constraints form a DAG (sub-expressions are shared `Arc`s; identical leaves
//! are merged). It is emitted in post-order, each node once, into instructions of four
//! words `[opcode, dst, a, b]` over a file of base-field registers. Registers are reused
//! after a value's last use, so the file stays small (tens of registers for the AIRs here).

use std::collections::HashMap;
use std::sync::Arc;

use kiln_field::BabyBear;

use crate::{Air, Entry, SymbolicAirBuilder, SymbolicConstraints, SymbolicExpression};

/// Instruction opcodes (the `kernels/stark` interpreter uses the same numbers).
pub mod opcode {
    /// dst ← main[a] at row offset b (0 current, 1 next).
    pub const LOAD_MAIN: u32 = 0;
    /// dst ← preprocessed[a] at row offset b.
    pub const LOAD_PREPROCESSED: u32 = 1;
    /// dst ← public value a.
    pub const LOAD_PUBLIC: u32 = 2;
    /// dst ← the constant whose Montgomery word is a.
    pub const CONST: u32 = 3;
    pub const IS_FIRST_ROW: u32 = 4;
    pub const IS_LAST_ROW: u32 = 5;
    pub const IS_TRANSITION: u32 = 6;
    /// dst ← a + b.
    pub const ADD: u32 = 7;
    pub const SUB: u32 = 8;
    pub const MUL: u32 = 9;
    /// dst ← −a.
    pub const NEG: u32 = 10;
    /// Constraint number b has the value in register a: acc += a·α^{k−1−b}.
    pub const EMIT: u32 = 11;
}

/// A compiled constraint system.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ConstraintProgram {
    /// Instructions, four words each.
    pub code: Vec<[u32; 4]>,
    /// Registers the program needs.
    pub registers: u32,
    /// Constraints (EMIT instructions), numbered in `eval` order.
    pub constraints: u32,
    /// Columns it reads: main width, preprocessed width, public values.
    pub main_width: u32,
    pub preprocessed_width: u32,
    pub public_values: u32,
}

#[derive(Clone, Copy, PartialEq, Eq, Hash)]
enum Leaf {
    Main(usize, usize),
    Pre(usize, usize),
    Public(usize),
    Const(u32),
    First,
    Last,
    Transition,
}

struct Compiler {
    /// Instructions with virtual (SSA) destinations.
    ssa: Vec<[u32; 4]>,
    by_ptr: HashMap<*const SymbolicExpression, u32>,
    by_leaf: HashMap<Leaf, u32>,
    /// Keeps every visited node alive, so pointers in `by_ptr` are not reused.
    keep: Vec<Arc<SymbolicExpression>>,
}

impl Compiler {
    fn emit(&mut self, op: u32, a: u32, b: u32) -> u32 {
        let v = self.ssa.len() as u32;
        self.ssa.push([op, v, a, b]);
        v
    }

    fn leaf(&mut self, leaf: Leaf) -> u32 {
        if let Some(&v) = self.by_leaf.get(&leaf) {
            return v;
        }
        use opcode::*;
        let v = match leaf {
            Leaf::Main(c, o) => self.emit(LOAD_MAIN, c as u32, o as u32),
            Leaf::Pre(c, o) => self.emit(LOAD_PREPROCESSED, c as u32, o as u32),
            Leaf::Public(i) => self.emit(LOAD_PUBLIC, i as u32, 0),
            Leaf::Const(w) => self.emit(CONST, w, 0),
            Leaf::First => self.emit(IS_FIRST_ROW, 0, 0),
            Leaf::Last => self.emit(IS_LAST_ROW, 0, 0),
            Leaf::Transition => self.emit(IS_TRANSITION, 0, 0),
        };
        self.by_leaf.insert(leaf, v);
        v
    }

    fn node(&mut self, e: &Arc<SymbolicExpression>) -> u32 {
        let ptr = Arc::as_ptr(e);
        if let Some(&v) = self.by_ptr.get(&ptr) {
            return v;
        }
        let v = self.expr(e);
        self.keep.push(e.clone());
        self.by_ptr.insert(ptr, v);
        v
    }

    fn expr(&mut self, e: &SymbolicExpression) -> u32 {
        use SymbolicExpression as S;
        match e {
            S::Variable(v) => self.leaf(match v.entry {
                Entry::Main { offset } => Leaf::Main(v.index, offset),
                Entry::Preprocessed { offset } => Leaf::Pre(v.index, offset),
                Entry::Public => Leaf::Public(v.index),
            }),
            S::Constant(c) => self.leaf(Leaf::Const(c.to_monty())),
            S::IsFirstRow => self.leaf(Leaf::First),
            S::IsLastRow => self.leaf(Leaf::Last),
            S::IsTransition => self.leaf(Leaf::Transition),
            S::Add { x, y, .. } => {
                let (a, b) = (self.node(x), self.node(y));
                self.emit(opcode::ADD, a, b)
            }
            S::Sub { x, y, .. } => {
                let (a, b) = (self.node(x), self.node(y));
                self.emit(opcode::SUB, a, b)
            }
            S::Mul { x, y, .. } => {
                let (a, b) = (self.node(x), self.node(y));
                self.emit(opcode::MUL, a, b)
            }
            S::Neg { x, .. } => {
                let a = self.node(x);
                self.emit(opcode::NEG, a, 0)
            }
        }
    }
}

fn operands(ins: &[u32; 4]) -> &'static [usize] {
    use opcode::*;
    match ins[0] {
        ADD | SUB | MUL => &[2, 3],
        NEG | EMIT => &[2],
        _ => &[],
    }
}

impl ConstraintProgram {
    /// Compiles the constraints of `air`.
    pub fn compile<A: Air<SymbolicAirBuilder>>(air: &A) -> Self {
        Self::from_symbolic(&SymbolicConstraints::of(air))
    }

    /// Compiles constraints already evaluated symbolically.
    pub fn from_symbolic(symbolic: &SymbolicConstraints) -> Self {
        let constraints = &symbolic.constraints;
        let mut c = Compiler {
            ssa: Vec::new(),
            by_ptr: HashMap::new(),
            by_leaf: HashMap::new(),
            keep: Vec::new(),
        };
        for (i, e) in constraints.iter().enumerate() {
            let v = c.node(&Arc::new(e.clone()));
            c.ssa.push([opcode::EMIT, 0, v, i as u32]);
        }
        // Register allocation: a value's register is free after its last use.
        let mut last_use = vec![0usize; c.ssa.len()];
        for (pc, ins) in c.ssa.iter().enumerate() {
            for &k in operands(ins) {
                last_use[ins[k] as usize] = pc;
            }
        }
        let mut reg_of = vec![u32::MAX; c.ssa.len()];
        let mut free: Vec<u32> = Vec::new();
        let mut registers = 0u32;
        let mut code = Vec::with_capacity(c.ssa.len());
        for (pc, ins) in c.ssa.iter().enumerate() {
            let mut out = *ins;
            for &k in operands(ins) {
                out[k] = reg_of[ins[k] as usize];
            }
            // Operands whose last use is here free their registers before dst is chosen.
            for &k in operands(ins) {
                let v = ins[k] as usize;
                if last_use[v] == pc && reg_of[v] != u32::MAX {
                    free.push(reg_of[v]);
                    reg_of[v] = u32::MAX;
                }
            }
            if ins[0] != opcode::EMIT {
                let r = free.pop().unwrap_or_else(|| {
                    registers += 1;
                    registers - 1
                });
                // A value nothing reads (an unused leaf cannot occur; an expression can
                // only be a constraint, so every value has a use) still gets a register.
                reg_of[ins[1] as usize] = r;
                out[1] = r;
            }
            code.push(out);
        }
        Self {
            code,
            registers,
            constraints: constraints.len() as u32,
            main_width: symbolic.main_width as u32,
            preprocessed_width: symbolic.preprocessed_width as u32,
            public_values: symbolic.public_values as u32,
        }
    }

    /// Compiles the interactions of `symbolic` like constraints: for each interaction in
    /// order, its tuple's values, then its multiplicity, each an output ("constraint")
    /// of the program. What the prover evaluates on every row to build the auxiliary
    /// trace, and what the verifying key digests.
    pub fn of_interactions(symbolic: &SymbolicConstraints) -> Self {
        let mut exprs: Vec<SymbolicExpression> = Vec::new();
        for i in &symbolic.interactions {
            exprs.extend(i.values.iter().cloned());
            exprs.push(i.multiplicity.clone());
        }
        Self::from_symbolic(&SymbolicConstraints {
            constraints: exprs,
            interactions: Vec::new(),
            lookup: Default::default(),
            main_width: symbolic.main_width,
            preprocessed_width: symbolic.preprocessed_width,
            public_values: symbolic.public_values,
        })
    }

    /// Runs the program on one point (the reference for the GPU interpreter): returns
    /// each constraint's value.
    pub fn eval<E: crate::Algebra>(
        &self,
        main: [&[E]; 2],
        preprocessed: [&[E]; 2],
        public: &[E],
        selectors: [&E; 3],
    ) -> Vec<E> {
        use opcode::*;
        let mut regs = vec![E::zero(); self.registers as usize];
        let mut out = vec![E::zero(); self.constraints as usize];
        for &[op, dst, a, b] in &self.code {
            let (dst, ai, bi) = (dst as usize, a as usize, b as usize);
            let v = match op {
                LOAD_MAIN => main[bi][ai].clone(),
                LOAD_PREPROCESSED => preprocessed[bi][ai].clone(),
                LOAD_PUBLIC => public[ai].clone(),
                CONST => E::from(BabyBear::from_monty(a)),
                IS_FIRST_ROW => selectors[0].clone(),
                IS_LAST_ROW => selectors[1].clone(),
                IS_TRANSITION => selectors[2].clone(),
                ADD => regs[ai].clone() + regs[bi].clone(),
                SUB => regs[ai].clone() - regs[bi].clone(),
                MUL => regs[ai].clone() * regs[bi].clone(),
                NEG => -regs[ai].clone(),
                EMIT => {
                    out[bi] = regs[ai].clone();
                    continue;
                }
                _ => unreachable!("the compiler emits no opcode {op}"),
            };
            regs[dst] = v;
        }
        out
    }

    /// The program as a flat word array (what the kernel reads).
    pub fn words(&self) -> Vec<u32> {
        self.code.iter().flatten().copied().collect()
    }
}
